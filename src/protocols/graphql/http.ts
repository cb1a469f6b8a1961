import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  execute,
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import { assertCleanInput } from '../../http/input-guard';
import type { Logger } from '../../infra/logger';
import { STATUS_BY_KIND } from '../../shared/error-catalogue';
import { AppError, Unauthorized } from '../../shared/errors';
import { createLoaders, type GraphqlServices } from './context';
import { formatError, requestErrorBody } from './errors';
import { documentLimitsRule, type DocumentLimits } from './limits';

/** Where GraphQL answers: under the REST API's base path, over the same authentication and limits. */
export const GRAPHQL_PATH = '/api/v1/graphql';

/** Tokens one document may have: parsing stops there, before a huge document costs anything. */
const DOCUMENT_TOKENS_MAX = 5_000;

export interface GraphqlOptions extends DocumentLimits {
  introspection: boolean;
}

export function validationRules(options: GraphqlOptions): ValidationRule[] {
  return [...specifiedRules, documentLimitsRule(options), ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
}

/**
 * Parses and validates a document: the operation to run, or a GraphQLError list (the document is
 * refused as a whole, 400). Shared by HTTP and WebSocket.
 */
export function prepare(
  schema: GraphQLSchema,
  rules: readonly ValidationRule[],
  query: string,
  operationName: string | undefined,
): { document: DocumentNode; operation: OperationDefinitionNode } | { errors: readonly GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: DOCUMENT_TOKENS_MAX });
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    throw error;
  }
  const errors = validate(schema, document, rules);
  if (errors.length > 0) return { errors };
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) {
    const message = operationName ? `No operation named "${operationName}"` : 'Several operations: say which one in operationName';
    return { errors: [new GraphQLError(message)] };
  }
  return { document, operation };
}

interface GraphqlBody {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

function readBody(body: unknown): GraphqlBody | string {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return 'Send a JSON object: { "query": …, "variables": …, "operationName": … }';
  const { query, variables, operationName, extensions: _extensions, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return `Unknown request fields: ${Object.keys(rest).join(', ')}`;
  if (typeof query !== 'string' || query.length === 0) return '"query" must be a non-empty string';
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables)))
    return '"variables" must be an object';
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return '"operationName" must be a string';
  return {
    query,
    ...(variables ? { variables: variables as Record<string, unknown> } : {}),
    ...(typeof operationName === 'string' ? { operationName } : {}),
  };
}

/**
 * POST /api/v1/graphql (GraphQL over HTTP, JSON). The app's authenticate and rate-limit
 * middleware have run already: the caller is req.principal, exactly as for a REST route. A request
 * that cannot run (no token, not JSON, a document the schema refuses, bad variables) is a 4xx with
 * `errors` and no `data`; errors of resolvers come with 200, partial `data` and REST's codes.
 */
export function graphqlHandler(schema: GraphQLSchema, services: GraphqlServices, options: GraphqlOptions, logger: Logger): RequestHandler {
  const rules = validationRules(options);
  return async (req, res) => {
    const requestId = res.locals.requestId as string | undefined;
    const fail = (error: AppError) => {
      if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      res.status(STATUS_BY_KIND[error.kind]).json(requestErrorBody(error.code, error.message, error.details));
    };
    res.locals.routeTemplate = GRAPHQL_PATH;
    const principal = req.principal;
    if (!principal) return fail(req.authError ?? new Unauthorized());
    const body = readBody(req.body);
    if (typeof body === 'string') return res.status(400).json(requestErrorBody('graphql_invalid', body));
    try {
      assertCleanInput(body, 'body');
    } catch (error) {
      if (error instanceof AppError) return fail(error);
      throw error;
    }
    const prepared = prepare(schema, rules, body.query, body.operationName);
    if ('errors' in prepared) {
      return res.status(400).json({ errors: prepared.errors.map((e) => formatError(e, logger, requestId)) });
    }
    if (prepared.operation.operation === OperationTypeNode.SUBSCRIPTION) {
      return res
        .status(400)
        .json(requestErrorBody('graphql_invalid', `Subscriptions run over WebSocket (graphql-transport-ws) at ${GRAPHQL_PATH}`));
    }
    const result = await execute({
      schema,
      document: prepared.document,
      ...(body.operationName ? { operationName: body.operationName } : {}),
      variableValues: body.variables ?? {},
      contextValue: { principal, services, loaders: createLoaders(principal, services) },
    });
    const errors = result.errors?.map((e) => formatError(e, logger, requestId));
    // No data: the variables were refused before anything ran.
    res
      .status(result.data === undefined ? 400 : 200)
      .json({ ...(errors ? { errors } : {}), ...(result.data !== undefined ? { data: result.data } : {}) });
  };
}

/**
 * What the app-wide middleware refuses before the handler runs (429 rate_limited, above all) is
 * answered as GraphQL errors too, with the same status, code and Retry-After. Anything else (a body
 * that is not JSON) goes on to the API's error handler.
 */
export function graphqlErrorHandler(): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (!(error instanceof AppError) || res.headersSent) return next(error);
    if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    res.status(STATUS_BY_KIND[error.kind]).json(requestErrorBody(error.code, error.message, error.details));
  };
}
