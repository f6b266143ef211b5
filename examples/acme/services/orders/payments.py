"""Payment webhooks: the backend records completed and refunded orders."""

import segment.analytics as analytics

PURCHASE_COMPLETED = "Purchase Completed"


def on_payment_captured(order):
    analytics.track(
        order.user_id,
        PURCHASE_COMPLETED,
        {
            "order_id": order.id,
            "revenue": order.total,
            "currency": order.currency,
            "products": [{"product_id": item.sku, "price": item.price} for item in order.items],
        },
    )


def on_refund(order, amount, reason):
    analytics.track(
        user_id=order.user_id,
        event="Order Refunded",
        properties={"order_id": order.id, "amount": amount, "reason": reason},
    )
