// Package policies holds custos's built-in Rego rules, their tests and the default
// configuration they read (data.json), embedded into the binary.
//
// The same folder passes plain `opa test policies/`: data.json supplies
// data.custos.config there exactly as custos does at run time.
package policies

import "embed"

// FS holds every .rego file (rules, helpers and tests) and data.json.
//
//go:embed access aws lib data.json
var FS embed.FS

// DefaultsFile is the name of the defaults inside FS.
const DefaultsFile = "data.json"
