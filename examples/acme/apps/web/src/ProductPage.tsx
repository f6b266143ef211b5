import React, { useEffect } from "react";
import { analytics, Events } from "./analytics";

type Props = { productId: string; position: number };

export function ProductPage({ productId, position }: Props) {
  useEffect(() => {
    analytics.track(Events.ProductViewed, { product_id: productId, position });
  }, [productId, position]);

  const addToCart = (quantity: number) =>
    analytics.track(Events.ProductAdded, {
      product_id: productId,
      quantity,
    });

  return <button onClick={() => addToCart(1)}>Add to cart</button>;
}
