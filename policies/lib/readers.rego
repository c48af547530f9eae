# Package custos.lib.readers reads the effective access custos precomputes in Go
# (docs/policy-input.md): a secret's context.readers and a principal's
# context.readable_secrets, each entry marked definite or conditional.
package custos.lib.readers

# secret_readers is the secret input's context.readers, [] when absent.
secret_readers(doc) := [r | some r in object.get(doc, ["context", "readers"], [])]

# readable_secrets is a user or role input's context.readable_secrets, [] when absent.
readable_secrets(doc) := [s | some s in object.get(doc, ["context", "readable_secrets"], [])]

# definite holds for an entry nothing undecided stands in front of.
definite(entry) if entry.definite == true

# definite_principals is the sorted set of principals that definitely read the secret.
definite_principals(readers) := sort({r.principal | some r in readers; definite(r)})

# conditional_principals is the sorted set of principals that read it only under a
# condition custos cannot decide, and no definite path.
conditional_principals(readers) := sort({r.principal |
	some r in readers
	not definite(r)
	not r.principal in {d.principal | some d in readers; definite(d)}
})

# anyone_kinds are the reader kinds that stand for any principal.
anyone_kinds := {"any", "anyone"}
