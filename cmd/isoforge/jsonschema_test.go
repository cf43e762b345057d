package main

import (
	"bufio"
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileSchema loads docs/NAME.schema.json, the schema docs/json.md
// documents, so tests check real outputs against the published contract.
func compileSchema(name string) (*jsonschema.Schema, error) {
	path, err := filepath.Abs(filepath.Join("..", "..", "docs", name+".schema.json"))
	if err != nil {
		return nil, err
	}
	return jsonschema.NewCompiler().Compile(path)
}

// validateJSON checks one JSON document, or with NDJSON every line, against
// a schema, `validatejson [-ndjson] SCHEMA FILE` (FILE may be stdout).
func validateJSONCmd(ts *testscript.TestScript, neg bool, args []string) {
	ndjson := len(args) > 0 && args[0] == "-ndjson"
	if ndjson {
		args = args[1:]
	}
	if len(args) != 2 {
		ts.Fatalf("usage: validatejson [-ndjson] SCHEMA FILE")
	}
	sch, err := compileSchema(args[0])
	ts.Check(err)
	data := ts.ReadFile(args[1])
	docs := []string{data}
	if ndjson {
		docs = nonEmptyLines(data)
	}
	var failure error
	for i, d := range docs {
		if err := validateDoc(sch, d); err != nil {
			failure = fmt.Errorf("document %d: %w", i+1, err)
			break
		}
	}
	switch {
	case neg && failure == nil:
		ts.Fatalf("%s matches schema %s", args[1], args[0])
	case !neg && failure != nil:
		ts.Fatalf("%s does not match schema %s: %v", args[1], args[0], failure)
	}
}

func validateDoc(sch *jsonschema.Schema, doc string) error {
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		return err
	}
	return sch.Validate(v)
}

func nonEmptyLines(s string) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewBufferString(s))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			out = append(out, sc.Text())
		}
	}
	return out
}
