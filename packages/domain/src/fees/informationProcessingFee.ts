/**
 * 信息处理费 (国办函〔2020〕109号《政府信息公开信息处理费管理办法》), charged only for requests
 * beyond a reasonable volume (条例 第42条). Both methods are progressive (超额累进, 第三条): each
 * unit is priced by the band it falls in; one method per request, never both.
 */

/** 按件计收 (第四条) counts a applicant's requests in one calendar month; 按量计收 (第五条) counts pages. */
export type FeeMethod = 'per-item' | 'per-page';

/** Price in yuan of the n-th request of an applicant within one calendar month (1-based). */
function itemPrice(n: number): number {
  if (n <= 10) return 0; // 第四条(一) 10件以下(含10件)的，不收费
  if (n <= 30) return 100; // 第四条(二) 11—30件(含30件)的部分：100元/件
  return 100 + 100 * Math.ceil((n - 30) / 10); // 第四条(三) 31件以上：以10件为一档，每增加一档提高100元/件
}

/** Price in yuan of the n-th page of one request (1-based). */
function pagePrice(n: number): number {
  if (n <= 30) return 0; // 第五条(一) 30页以下(含30页)的，不收费
  if (n <= 100) return 10; // 第五条(二) 31—100页(含100页)的部分：10元/页
  if (n <= 200) return 20; // 第五条(三) 101—200页(含200页)的部分：20元/页
  return 40; // 第五条(四) 201页以上的部分：40元/页
}

/**
 * The fee in yuan for `quantity` units, after `alreadyCounted` units (per item: the applicant's
 * earlier requests this month; per page: always 0).
 * @example informationProcessingFee('per-page', 150) // 70×10 + 50×20 = 1700
 * @example informationProcessingFee('per-item', 1, 30) // the 31st request this month: 200
 */
export function informationProcessingFee(method: FeeMethod, quantity: number, alreadyCounted = 0): number {
  if (!Number.isInteger(quantity) || quantity < 0 || !Number.isInteger(alreadyCounted) || alreadyCounted < 0)
    throw new RangeError('fee quantities are whole, non-negative numbers');
  const price = method === 'per-item' ? itemPrice : pagePrice;
  let total = 0;
  for (let n = alreadyCounted + 1; n <= alreadyCounted + quantity; n++) total += price(n);
  return total;
}
