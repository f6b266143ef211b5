import { analytics } from "./analytics";

export interface Cart {
  total: number;
  currency: "USD" | "EUR" | "GBP";
}

export function startCheckout(cart: Cart): void {
  analytics.track("Checkout Started", { cart_value: cart.total, currency: cart.currency });
}

export function onPaymentSucceeded(orderId: string, cart: Cart): void {
  // The payment provider redirected back: the order is paid.
  analytics.track("purchase_completed", {
    order_id: orderId,
    revenue: cart.total,
    currency: cart.currency,
  });
}
