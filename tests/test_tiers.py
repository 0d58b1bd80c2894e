"""The second-tier marker follows the fixtures (tests/conftest.py): a test that reaches an
`@end_to_end` fixture, directly or through others, leaves the fast tier; one that does not
stays in it."""

import textwrap

pytest_plugins = ["pytester"]

CONFTEST = """
import pytest

from tests.conftest import end_to_end, pytest_collection_modifyitems  # noqa: F401


@pytest.fixture(scope="session")
@end_to_end
def a_real_process():
    return "started"


@pytest.fixture
def built_on_it(a_real_process):
    return a_real_process


@pytest.fixture
def in_process():
    return "in process"
"""

TESTS = """
import pytest


def test_direct(a_real_process):
    pass


def test_through_another_fixture(built_on_it):
    pass


def test_in_process(in_process):
    pass


@pytest.mark.slow
def test_marked_slow(in_process):
    pass
"""


def _selected(pytester, *args) -> set[str]:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_tiers_example=TESTS)
    pytester.makeini(textwrap.dedent("""
        [pytest]
        markers =
            e2e: second tier
            slow: second tier
    """))
    result = pytester.runpytest_inprocess("--collect-only", "-q", "-p", "no:cacheprovider",
                                          *args)
    return {line.split("::")[1] for line in result.outlines if "::" in line}


def test_the_fast_tier_keeps_only_tests_without_an_end_to_end_fixture(pytester):
    assert _selected(pytester, "-m", "not e2e and not slow") == {"test_in_process"}


def test_the_second_tier_takes_every_test_that_reaches_one(pytester):
    assert _selected(pytester, "-m", "e2e or slow") == {
        "test_direct", "test_through_another_fixture", "test_marked_slow"}
