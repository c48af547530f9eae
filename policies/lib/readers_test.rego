package custos.lib.readers_test

import data.custos.lib.readers

rs := [
	{"principal": "arn:aws:iam::111122223333:role/a", "kind": "role", "definite": true},
	{"principal": "arn:aws:iam::111122223333:role/a", "kind": "role", "definite": false},
	{"principal": "arn:aws:iam::111122223333:role/b", "kind": "role", "definite": false},
	{"principal": "111122223333", "kind": "account", "definite": true},
]

test_definite_and_conditional if {
	readers.definite_principals(rs) == ["111122223333", "arn:aws:iam::111122223333:role/a"]
	readers.conditional_principals(rs) == ["arn:aws:iam::111122223333:role/b"]
}

test_context_lists if {
	readers.secret_readers({"context": {"readers": rs}}) == rs
	readers.secret_readers({"context": {}}) == []
	readers.secret_readers({}) == []
	readers.readable_secrets({"context": {"readable_secrets": [{"arn": "x", "definite": true}]}}) == [{"arn": "x", "definite": true}]
	readers.readable_secrets({}) == []
}
