"""Nightly job: orders paid through the bank-transfer flow are confirmed here."""

import segment.analytics as analytics

from .payments import PURCHASE_COMPLETED


def confirm_bank_transfers(orders):
    for order in orders:
        if order.transfer_received:
            analytics.track(
                order.user_id,
                PURCHASE_COMPLETED,
                {"order_id": order.id, "revenue": order.total, "currency": order.currency},
            )
