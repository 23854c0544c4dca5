-- Read-only access for BI tools on a ClickHouse server: the `bi` views and nothing else.
-- Run once as an administrator (the platform's migrations create no users or roles):
--   clickhouse-client --multiquery < infra/clickhouse/bi-reader.sql
-- The `bi` views are SQL SECURITY DEFINER, so readers need no grant on the `gpds` tables.
CREATE ROLE IF NOT EXISTS gpds_bi_reader;
REVOKE ALL ON *.* FROM gpds_bi_reader;
GRANT SELECT ON bi.* TO gpds_bi_reader;

-- One user per analyst or tool, e.g.:
-- CREATE USER IF NOT EXISTS powerbi IDENTIFIED WITH sha256_password BY '<secret>' DEFAULT ROLE gpds_bi_reader;
-- GRANT gpds_bi_reader TO powerbi;
