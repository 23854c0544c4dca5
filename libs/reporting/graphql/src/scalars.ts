import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { QueryArgumentError, instant, isoDate } from '@gpds/reporting-queries';

function checked<T>(scalar: string, value: unknown, parse: (text: string) => T): T {
  if (typeof value !== 'string') throw new GraphQLError(`${scalar} must be a string, e.g. ${scalar === 'Date' ? '"2025-12-01"' : '"2026-01-15T09:00:00Z"'}`);
  try {
    return parse(value);
  } catch (error) {
    // The argument's name is added by graphql-js ("Variable "$from" got invalid value ..." / "Argument ... has invalid value").
    throw new GraphQLError(error instanceof QueryArgumentError ? error.message.replace(/^[^:]+: /, '') : String(error));
  }
}

/** YYYY-MM-DD, checked to be a real calendar day. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD',
  serialize: (value) => String(value),
  parseValue: (value) => checked('Date', value, (text) => isoDate('Date', text)),
  parseLiteral: (ast) => checked('Date', ast.kind === Kind.STRING ? ast.value : null, (text) => isoDate('Date', text)),
});

/** ISO 8601 instants; resolvers receive them as given (checked), and answer in UTC with a Z. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, ISO 8601 with a zone',
  serialize: (value) => String(value),
  parseValue: (value) => checked('DateTime', value, (text) => (instant('DateTime', text), text)),
  parseLiteral: (ast) => checked('DateTime', ast.kind === Kind.STRING ? ast.value : null, (text) => (instant('DateTime', text), text)),
});
