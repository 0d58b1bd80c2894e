"""Does the test suite catch bugs (mutation testing, planted bugs); supply-chain advisories."""
