import { AnalyticsBrowser } from "@segment/analytics-next";

export const analytics = AnalyticsBrowser.load({ writeKey: "WRITE_KEY" });

export const Events = {
  ProductViewed: "Product Viewed",
  ProductAdded: "Product Added",
} as const;
