"""A BentoML service that does nothing: the serving benchmark's throughput ceiling."""

import bentoml


@bentoml.service(name="noop", workers=1)
class Noop:
    @bentoml.api(route="/noop")
    def noop(self, description: str = "", amount: float = 0.0, date: str = "",
             type: str | None = None, payment_method: str | None = None,
             merchant: str | None = None) -> dict:
        return {"ok": True}
