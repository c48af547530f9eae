package inventory

// schema.json (and its published copy docs/snapshot.schema.json) is the JSON Schema of
// Snapshot, generated from these types; a test fails when it is stale.
//go:generate go run ./schemagen -src . schema.json ../../docs/snapshot.schema.json
