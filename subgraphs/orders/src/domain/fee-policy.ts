/**
 * The platform's service fee, paid by the buyer on top of the price. The default is what the marketplace the seeds
 * imitate charges: 5.5 % of the price, plus 2.00 on orders under 50.00 (a small-order fee). Computed in integer minor
 * units with half-up rounding, so no float ever touches money.
 */
export interface FeePolicy {
  /** Percentage of the price in basis points (550 = 5.5 %). */
  percentBasisPoints: number;
  /** Added when the price is below `smallOrderThreshold` (minor units). */
  smallOrderFee: number;
  smallOrderThreshold: number;
}

export const DEFAULT_FEE_POLICY: FeePolicy = { percentBasisPoints: 550, smallOrderFee: 200, smallOrderThreshold: 5000 };

export interface OrderAmounts {
  price: number;
  serviceFee: number;
  total: number;
}

export function serviceFee(price: number, policy: FeePolicy = DEFAULT_FEE_POLICY): number {
  if (!Number.isSafeInteger(price) || price < 0) throw new RangeError(`price must be a non-negative integer, got ${price}`);
  const percent = Math.floor((price * policy.percentBasisPoints + 5_000) / 10_000);
  return percent + (price < policy.smallOrderThreshold ? policy.smallOrderFee : 0);
}

export function orderAmounts(price: number, policy: FeePolicy = DEFAULT_FEE_POLICY): OrderAmounts {
  const fee = serviceFee(price, policy);
  return { price, serviceFee: fee, total: price + fee };
}
