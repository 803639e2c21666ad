export const MAIN_HELP = `telemetry-sync: replay tokf's tracking database to an OpenTelemetry OTLP/HTTP endpoint

Usage:
  telemetry-sync sync [options]     deliver pending events (see: telemetry-sync sync --help)
  telemetry-sync --help | --version

Exit codes: 0 all selected events delivered (or dry run / file export); 1 some could not be
delivered (they stay pending or were set aside as rejected), or another sync holds the database;
2 bad usage or unreadable database, nothing changed.
`;

export const SYNC_HELP = `Usage: telemetry-sync sync [options]

Replays every pending event of a tokf tracking database as OTLP metrics with its original
timestamp, in id order, and records what the endpoint acknowledged so the next run sends the rest.

Source
  --db PATH                   tracking database (default: tokf's own rules: $TOKF_DB_PATH,
                              $TOKF_HOME/tracking.db, $XDG_DATA_HOME/tokf/tracking.db,
                              ~/.local/share/tokf/tracking.db)
  --since T                   only events at or after T (inclusive)
  --until T                   only events before T (exclusive)
                              T: a date (2026-03-05), a date-time (2026-03-05T10:22:13Z; UTC when
                              no zone is given) or a duration back from now (90m, 24h, 7d)
  --limit N                   send at most the first N pending events in id order
  --max-age D                 do not send events older than D (90m, 1h, 7d), to match a backend
                              that refuses old points; they go to the OTLP/JSON file only (and,
                              with one, are set aside so later runs do not export them again)
  --retry-rejected            send again the events earlier runs set aside as rejected

Endpoint
  --endpoint URL              OTLP/HTTP base URL; v1/metrics is appended
                              (env: OTEL_EXPORTER_OTLP_ENDPOINT, or
                              OTEL_EXPORTER_OTLP_METRICS_ENDPOINT used as is)
  --headers k=v,...           request headers, values percent-decoded (env:
                              OTEL_EXPORTER_OTLP_HEADERS, OTEL_EXPORTER_OTLP_METRICS_HEADERS)
  --protocol P                http/protobuf (default) or http/json; gRPC is not supported
                              (env: OTEL_EXPORTER_OTLP_[METRICS_]PROTOCOL)
  --compression C             gzip (default) or none (env: OTEL_EXPORTER_OTLP_[METRICS_]COMPRESSION)
  --timeout MS                per attempt, in milliseconds (default 10000;
                              env: OTEL_EXPORTER_OTLP_[METRICS_]TIMEOUT)
  --batch-size N              events per request (default 2000; a request is also split to stay
                              under 3 MiB)
  --max-consecutive-failures N
                              circuit breaker: stop sending after N events in a row were refused
                              (default 5); the rest stay pending

Resource
  --service-name NAME         service.name (default tokf; env: OTEL_SERVICE_NAME)
  --service-version V         service.version (tokf's live exporter sets tokf's version)
  --resource-attributes k=v,..  more resource attributes (env: OTEL_RESOURCE_ATTRIBUTES)

Output
  --otlp-json-out DIR         also write what was sent (or would be) to DIR/metrics.jsonl as
                              OTLP JSON Lines, and refused events to DIR/rejected-metrics.jsonl;
                              with no endpoint this file is the whole job and nothing is marked
                              delivered
  --dry-run                   report what would be sent; send nothing, open the database read-only
  --json                      print the result as one JSON object on stdout
  -h, --help                  this help

Refused data: a request an endpoint refuses as bad (400, 413, 422) is split in halves until the
refused events are found; those are set aside as rejected (with the reason) and the rest are
delivered. Any other failure stops the run: nothing later overtakes it. One sync at a time per
database: a second one waits up to 10 s, then refuses.

Flags beat environment variables. Exit codes: 0 all selected events delivered (or dry run / file
export); 1 some could not be delivered (they stay pending or were set aside as rejected), or
another sync holds the database; 2 bad usage or unreadable database, nothing changed.
`;
