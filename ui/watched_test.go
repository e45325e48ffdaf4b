package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"testing"
)

// TestEveryWriteBumpsTheDataVersion: a write the window's service does not
// wrap would leave other screens showing what was there before it. Every
// method of Service named like a write must be watched's own.
func TestEveryWriteBumpsTheDataVersion(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "watched.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	own := map[string]bool{}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil {
			if id, ok := fn.Recv.List[0].Type.(*ast.Ident); ok && id.Name == "watched" {
				own[fn.Name.Name] = true
			}
		}
	}
	writes := []string{"Save", "Create", "Update", "Delete", "Set", "Record", "Submit", "Confirm", "Import", "Enroll",
		"File", "Decide", "Restore", "Install", "Revoke", "Add", "Remove", "Block", "Unblock", "Apply", "Retire"}
	notWrites := map[string]bool{"SetLanguage": true, "InstallUpdate": true} // not the data screens show
	svc := reflect.TypeOf((*Service)(nil)).Elem()
	for i := 0; i < svc.NumMethod(); i++ {
		name := svc.Method(i).Name
		for _, w := range writes {
			if strings.HasPrefix(name, w) && !notWrites[name] && !own[name] {
				t.Errorf("Service.%s writes but the window's service does not bump the data version for it (ui/watched.go)", name)
			}
		}
	}
	if len(own) < 20 {
		t.Errorf("only %d methods found on watched: the test reads the wrong file", len(own))
	}
}
