import t from 'tap';
import { informationProcessingFee } from '@disclosure/domain';

// 国办函〔2020〕109号 第四条、第五条, progressive (超额累进) bands, worked by hand.
t.test('per page: 30 free, 31–100 at 10, 101–200 at 20, 201+ at 40 yuan', async (t) => {
  t.equal(informationProcessingFee('per-page', 30), 0);
  t.equal(informationProcessingFee('per-page', 31), 10);
  t.equal(informationProcessingFee('per-page', 100), 700);
  t.equal(informationProcessingFee('per-page', 101), 720);
  t.equal(informationProcessingFee('per-page', 200), 2700);
  t.equal(informationProcessingFee('per-page', 201), 2740);
  t.equal(informationProcessingFee('per-page', 250), 4700);
});
t.test('per item within a month: 10 free, 11–30 at 100, then +100 yuan per band of 10', async (t) => {
  t.equal(informationProcessingFee('per-item', 10), 0);
  t.equal(informationProcessingFee('per-item', 1, 10), 100, 'the 11th request');
  t.equal(informationProcessingFee('per-item', 1, 29), 100, 'the 30th request');
  t.equal(informationProcessingFee('per-item', 1, 30), 200, 'the 31st request');
  t.equal(informationProcessingFee('per-item', 1, 40), 300, 'the 41st request');
  t.equal(informationProcessingFee('per-item', 50), 7000, '11–30: 20×100; 31–40: 10×200; 41–50: 10×300');
});
t.test('refuses fractions and negatives', async (t) => {
  t.throws(() => informationProcessingFee('per-page', 1.5), RangeError);
  t.throws(() => informationProcessingFee('per-item', -1), RangeError);
});
