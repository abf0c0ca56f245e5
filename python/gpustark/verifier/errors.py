"""The one exception a verifier raises: which check failed, and why."""


class VerificationError(Exception):
    """A proof was rejected. `check` names the failed check (e.g. 'gkr_layer_3')."""

    def __init__(self, check: str, detail: str = ""):
        self.check = check
        self.detail = detail
        super().__init__(f"{check}: {detail}" if detail else check)
