"""Which paths are tests: init leaves their calls out of the plan it writes."""

from __future__ import annotations

import pytest

from tracklint.testpaths import is_test_path


@pytest.mark.parametrize("path", [
    "tests/test_checkout.py", "app/test_checkout.py", "app/checkout_test.py", "pkg/track_test.go",
    "web/src/__tests__/cart.tsx", "web/src/cart.test.ts", "web/src/cart.spec.tsx", "web/e2e/flow.ts",
    "app/src/test/java/com/acme/CartTest.kt", "app/src/androidTest/java/com/acme/Flow.kt",
    "ios/ShopTests/CartTests.swift", "ios/ShopUITests/Flow.swift", "spec/models/order_spec.rb",
    "conftest.py", "web/cypress/support/commands.js", "pkg/testdata/sample.go", "web/__mocks__/analytics.ts",
    "web/src/cart.clienttest.tsx", "worker/src/queue.servertest.ts", "web/src/ui/View.gate.clienttest.tsx",
    "web/src/api.integrationtest.ts",
])
def test_tests_and_fixtures(path: str) -> None:
    assert is_test_path(path)


@pytest.mark.parametrize("path", [
    "app/checkout.py", "web/src/Cart.tsx", "ios/Shop/ABTest.swift", "ios/Shop/Latest.swift",
    "app/src/main/java/com/acme/Contest.kt", "lib/protest.py", "web/src/testimonials.tsx",
    "server/attestation/verify.py", "web/src/config.latest.ts", "web/src/results.contest.tsx",
    "web/src/protest.ts", "web/src/pages/clienttest.tsx",
])
def test_product_code(path: str) -> None:
    assert not is_test_path(path)
