import { instantProblem } from './instant';

describe('instants', () => {
  it.each([
    '2022-07-12T10:00:00Z',
    '2022-07-12T10:00Z',
    '2022-07-12T10:00:00.123456789Z',
    '2022-07-12T10:00:00+14:00',
    '2024-02-29T23:59:59-05:30',
    '0001-01-01T00:00:00Z',
    '2000-02-29T00:00:00Z',
  ])('takes %s', (value) => expect(instantProblem(value)).toBeNull());

  it.each([
    ['2022-02-30T10:00:00Z', /day that does not exist \(2022-02-30\)/],
    ['2023-02-29T10:00:00Z', /day that does not exist/],
    ['1900-02-29T10:00:00Z', /day that does not exist/],
    ['2022-13-01T10:00:00Z', /day that does not exist/],
    ['2022-07-12T24:00:00Z', /time of day that does not exist/],
    ['2022-07-12T10:60:00Z', /time of day that does not exist/],
    ['2022-07-12T10:00:60Z', /time of day that does not exist/],
    ['2022-07-12T10:00:00+14:30', /offset beyond ±14:00/],
    ['2022-07-12T10:00:00-15:00', /offset beyond ±14:00/],
    ['2022-07-12T10:00:00+05:60', /offset beyond ±14:00/],
    ['2022-07-12T10:00:00', /with Z or an offset/],
    ['2022-07-12 10:00:00Z', /with Z or an offset/],
    ['12/07/2022 10:00', /with Z or an offset/],
  ])('refuses %s', (value, reason) => expect(instantProblem(value)).toMatch(reason));
});
