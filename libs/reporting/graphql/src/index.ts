export * from './reporting-graphql.module';
export * from './resolvers';
export * from './scalars';
