from tests.hardware.conftest import _settings_database  # noqa: F401 - the app's own database
