"""The registry's demo: the same СПК, ЦОК and qualifications as the appliance's, staff can sign in, idempotent."""
from central.demo import DEFAULT_PASSWORD, demo_cok, demo_logins, load_central_demo
from central.models import PublishedKos, SpkSettings
from core.demo_data import ORGANISATIONS
from core.models import ExpertCertificate, Organisation, Qualification, Role, User
from core.services.auth import authenticate


def test_demo_matches_the_appliance_demo_and_is_idempotent(central_services):
    orgs = load_central_demo()
    spk_spec = next(s for s in ORGANISATIONS if s.key == "spk")
    assert orgs["spk"].inn == spk_spec.fields["inn"]
    assert demo_cok().parent_id == orgs["spk"].id
    assert Qualification.select().where(Qualification.spk == orgs["spk"]).count() == 4
    assert User.select().where(User.role == Role.EXPERT.value).count() == 2
    assert ExpertCertificate.select().count() > 0
    assert PublishedKos.select().count() == 1
    assert SpkSettings.get(SpkSettings.spk == orgs["spk"]).days_spk_decision == 14
    counts = (Organisation.select().count(), User.select().count(), Qualification.select().count())
    again = load_central_demo()
    assert again["spk"].id == orgs["spk"].id
    assert (Organisation.select().count(), User.select().count(), Qualification.select().count()) == counts


def test_demo_staff_sign_in_and_experts_have_no_password(central_services, central_config):
    load_central_demo()
    for email, _ in demo_logins():
        assert authenticate(email, DEFAULT_PASSWORD, central_config).email == email
    assert all(u.password_hash is None for u in User.select().where(User.role == Role.EXPERT.value))
