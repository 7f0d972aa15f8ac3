"""The baseline: a falcon endpoint that does nothing, served by the same gunicorn settings."""
import falcon


class Trivial:
    def on_get(self, req, resp):
        resp.text = "ok"


class Health:
    def on_get(self, req, resp):
        resp.media = {"status": "ok"}


def application() -> falcon.App:
    app = falcon.App()
    app.add_route("/", Trivial())
    app.add_route("/healthz", Health())
    return app
