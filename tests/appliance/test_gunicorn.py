"""The appliance under a real gunicorn with two workers: login and cabinet over real HTTP."""
import http.cookiejar
import re
import urllib.parse
import urllib.request

import pytest

from core.config import CONFIG_ENV, KEY_ENV
from core.testing import TEST_PASSWORD, running_gunicorn

pytestmark = pytest.mark.gunicorn


def test_login_and_cabinet_under_gunicorn(services, people, nok_config):
    services.db.close()
    env = {CONFIG_ENV: str(nok_config.config_file)}
    env.pop(KEY_ENV, None)
    with running_gunicorn("appliance.wsgi:application()", env) as base:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/login").read().decode()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrf_token": csrf, "email": "admin@venue.ru",
                                       "password": TEST_PASSWORD}).encode()
        reply = opener.open(f"{base}/login", data=body)
        assert reply.url.endswith("/cabinet/venue/")
        html = reply.read().decode()
        assert "Личный кабинет Площадки" in html and "Васильев Игорь Николаевич" in html
        staff = opener.open(f"{base}/cabinet/venue/staff").read().decode()
        assert "admin@venue.ru" in staff
