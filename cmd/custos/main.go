// Command custos audits how an organisation keeps its secrets and keys on AWS and how
// its code leaks them. main parses, runs and maps the outcome to an exit code; nothing
// else in custos exits.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes, as documented in docs/cli.md and DESIGN.md.
const (
	exitOK         = 0
	exitFindings   = 1
	exitUsage      = 2
	exitIncomplete = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := newApp(stdin, stdout, stderr)
	cmd := newRootCmd(a)
	cmd.SetArgs(args)
	return exitCode(cmd.ExecuteContext(ctx), stderr)
}

// exitCode maps a command's error to an exit code, printing its message as one line.
func exitCode(err error, stderr io.Writer) int {
	var ex *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ex):
		if ex.err != nil {
			fmt.Fprintln(stderr, "custos: "+ex.err.Error())
		}
		return ex.code
	default:
		// Anything that escapes a command untyped is a usage or input error:
		// flags, arguments, files, policies, configuration.
		fmt.Fprintln(stderr, "custos: "+err.Error())
		return exitUsage
	}
}

// exitError carries an exit code out of a command. err may be nil for a code that
// needs no message (findings at or above --fail-on).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }
