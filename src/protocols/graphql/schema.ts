import { buildSchema, printSchema, type GraphQLSchema } from 'graphql';
import { attachResolvers } from './resolvers';
import { TYPE_DEFS } from './schema.graphql';

/** The executable schema: the type definitions with their resolvers. */
export function buildGraphqlSchema(): GraphQLSchema {
  const schema = buildSchema(TYPE_DEFS);
  attachResolvers(schema);
  return schema;
}

/** The SDL committed as docs/graphql/schema.graphql. */
export function schemaSdl(schema: GraphQLSchema = buildGraphqlSchema()): string {
  return `${printSchema(schema)}\n`;
}
