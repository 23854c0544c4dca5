-- The GraphQL API's ClickHouse user (server mode), run once by an administrator after the
-- projector has migrated the schema. The API reads the projected tables and the bi views, and
-- keeps its hierarchy cache (docs/decisions/0017-graphql-api.md) in gpds_reporting, which it may
-- fill, rename and drop freely: it is derived data.
CREATE DATABASE IF NOT EXISTS gpds_reporting;
CREATE ROLE IF NOT EXISTS gpds_api_reader;
GRANT SELECT ON gpds.* TO gpds_api_reader;
GRANT SELECT ON bi.* TO gpds_api_reader;
GRANT ALL ON gpds_reporting.* TO gpds_api_reader;
GRANT SELECT ON system.tables TO gpds_api_reader;
-- CREATE USER gpds_api IDENTIFIED WITH sha256_password BY '...' DEFAULT ROLE gpds_api_reader;
