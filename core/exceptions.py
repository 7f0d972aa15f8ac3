"""Exceptions of НОК-Платформа.

Every error a user may see carries a Russian message in ``str(ex)``. Permanent errors
(bad input, forbidden action, broken data) are separated from transient ones (a
peer or server is down right now), so callers know whether retrying can help.
"""


class NokError(Exception):
    """Base of every error raised by our code."""


class PermanentError(NokError):
    """Retrying the same call will fail again."""


class TransientError(NokError):
    """The call may succeed later (a service is unreachable, a lock is held)."""


class ValidationError(PermanentError):
    """Input does not pass a check; ``field`` names the form field, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConfigError(PermanentError):
    """The appliance configuration is missing or inconsistent."""


class WrongKeyError(PermanentError):
    """The database key does not open the encrypted database."""


class MigrationError(PermanentError):
    """A schema migration failed or the schema is newer than the code."""


class PermissionDeniedError(PermanentError):
    """The current user may not see or change this resource."""


class NotFoundError(PermanentError):
    """The requested object does not exist (or is hidden from this user)."""


class AuthenticationError(PermanentError):
    """Login failed: wrong email/password, locked account, expired link."""


class AuditChainError(PermanentError):
    """The audit log's hash chain is broken: a record was edited, removed or reordered."""


class BlobError(PermanentError):
    """Base of blob store errors."""


class BlobNotFoundError(BlobError):
    """No blob with this digest is stored."""


class BlobIntegrityError(BlobError):
    """A stored blob failed authentication or does not match its digest."""


class BlobTooLargeError(BlobError):
    """An upload exceeds the configured size limit."""


class PluginError(PermanentError):
    """A plugin is unknown, cannot be loaded or breaks the hook contract."""


class MailDeliveryError(TransientError):
    """The SMTP server did not accept a message."""
