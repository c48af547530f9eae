package engine

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Encoder builds the Rego value of a Go value exactly as encoding/json would marshal it
// and ast.ValueFromReader read it back (field names and omitempty from json tags,
// embedded structs inlined, nil slices, maps and pointers as null, time.Time as RFC 3339),
// without the JSON text in between. Types with their own MarshalJSON or MarshalText go
// through encoding/json; an ast.Value, at the top or inside, is used as is. An Encoder
// caches what it learns of each type and may be shared by goroutines.
type Encoder struct {
	mu     sync.RWMutex
	types  map[reflect.Type]encodeFunc
	shared map[reflect.Type]bool
	values sync.Map // pointer of a shared type -> ast.Value
}

// NewEncoder returns an empty Encoder. Values reached through a pointer of one of the
// shared types (give a nil pointer of each, e.g. (*inventory.Key)(nil)) are encoded
// once per pointer and the Rego value reused by every input that holds the pointer:
// what they point to must not change while the Encoder is in use. Rego values are
// immutable, so inputs evaluated in parallel can share them.
func NewEncoder(shared ...any) *Encoder {
	e := &Encoder{types: map[reflect.Type]encodeFunc{}, shared: map[reflect.Type]bool{}}
	for _, x := range shared {
		if t := reflect.TypeOf(x); t != nil && t.Kind() == reflect.Pointer {
			e.shared[t] = true
		}
	}
	return e
}

type encodeFunc func(v reflect.Value) (ast.Value, error)

// Value is the Rego value of v. An ast.Value is returned as is.
func (e *Encoder) Value(v any) (ast.Value, error) {
	if av, ok := v.(ast.Value); ok {
		return av, nil
	}
	if v == nil {
		return ast.NullValue, nil
	}
	rv := reflect.ValueOf(v)
	return e.encoder(rv.Type())(rv)
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	timeType          = reflect.TypeFor[time.Time]()
	astValueType      = reflect.TypeFor[ast.Value]()
	numberType        = reflect.TypeFor[json.Number]()
)

// encoder returns the encodeFunc of t, building it on first use. A recursive type gets a
// stand-in that waits for the real one, as encoding/json does.
func (e *Encoder) encoder(t reflect.Type) encodeFunc {
	e.mu.RLock()
	f := e.types[t]
	e.mu.RUnlock()
	if f != nil {
		return f
	}
	var (
		wg   sync.WaitGroup
		real encodeFunc
	)
	wg.Add(1)
	e.mu.Lock()
	if f := e.types[t]; f != nil {
		e.mu.Unlock()
		return f
	}
	e.types[t] = func(v reflect.Value) (ast.Value, error) {
		wg.Wait()
		return real(v)
	}
	e.mu.Unlock()
	real = e.build(t)
	wg.Done()
	e.mu.Lock()
	e.types[t] = real
	e.mu.Unlock()
	return real
}

func (e *Encoder) build(t reflect.Type) encodeFunc {
	if t.Kind() != reflect.Interface && t.Implements(astValueType) {
		return func(v reflect.Value) (ast.Value, error) {
			if t.Kind() == reflect.Pointer && v.IsNil() {
				return ast.NullValue, nil
			}
			return v.Interface().(ast.Value), nil
		}
	}
	if t == timeType {
		return encodeTime
	}
	if t == numberType {
		return viaJSON
	}
	if t.Kind() == reflect.Pointer {
		elem := t.Elem()
		if (t.Implements(marshalerType) && !elem.Implements(marshalerType)) || (t.Implements(textMarshalerType) && !elem.Implements(textMarshalerType)) {
			return viaJSON // a pointer-receiver method
		}
		// A value-receiver method, or none: the element's encoding, null for nil.
		if e.shared[t] {
			type key struct {
				t reflect.Type
				p uintptr
			}
			return func(v reflect.Value) (ast.Value, error) {
				if v.IsNil() {
					return ast.NullValue, nil
				}
				k := key{t, v.Pointer()}
				if x, ok := e.values.Load(k); ok {
					return x.(ast.Value), nil
				}
				x, err := e.encoder(elem)(v.Elem())
				if err == nil {
					e.values.Store(k, x)
				}
				return x, err
			}
		}
		return func(v reflect.Value) (ast.Value, error) {
			if v.IsNil() {
				return ast.NullValue, nil
			}
			return e.encoder(elem)(v.Elem())
		}
	}
	if t.Implements(marshalerType) || t.Implements(textMarshalerType) {
		return viaJSON
	}
	if t.Kind() != reflect.Pointer && (reflect.PointerTo(t).Implements(marshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)) {
		// encoding/json uses a pointer method when it can take the value's address.
		return func(v reflect.Value) (ast.Value, error) {
			if v.CanAddr() {
				return marshalValue(v.Addr().Interface())
			}
			return marshalValue(v.Interface())
		}
	}
	switch t.Kind() {
	case reflect.Bool:
		return func(v reflect.Value) (ast.Value, error) { return ast.InterfaceToValue(v.Bool()) }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) (ast.Value, error) {
			return ast.InterfaceToValue(json.Number(strconv.FormatInt(v.Int(), 10)))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(v reflect.Value) (ast.Value, error) {
			return ast.InterfaceToValue(json.Number(strconv.FormatUint(v.Uint(), 10)))
		}
	case reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return viaJSON
	case reflect.String:
		return func(v reflect.Value) (ast.Value, error) { return stringValue(v.String()) }
	case reflect.Interface:
		return func(v reflect.Value) (ast.Value, error) {
			if v.IsNil() {
				return ast.NullValue, nil
			}
			elem := v.Elem()
			return e.encoder(elem.Type())(elem)
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(marshalerType) && !reflect.PointerTo(t.Elem()).Implements(textMarshalerType) {
			return func(v reflect.Value) (ast.Value, error) {
				if v.IsNil() {
					return ast.NullValue, nil
				}
				return ast.String(base64.StdEncoding.EncodeToString(v.Bytes())), nil
			}
		}
		return e.arrayEncoder(t, true)
	case reflect.Array:
		return e.arrayEncoder(t, false)
	case reflect.Map:
		return e.mapEncoder(t)
	case reflect.Struct:
		return e.structEncoder(t)
	}
	return viaJSON
}

// stringValue is a string as JSON carries it: invalid UTF-8 is replaced the way
// encoding/json replaces it.
func stringValue(s string) (ast.Value, error) {
	if !utf8.ValidString(s) {
		return marshalValue(s)
	}
	return ast.InterfaceToValue(s)
}

func encodeTime(v reflect.Value) (ast.Value, error) {
	t := v.Interface().(time.Time)
	_, offset := t.Zone()
	if y := t.Year(); y < 0 || y > 9999 || offset <= -24*3600 || offset >= 24*3600 {
		return viaJSON(v) // what encoding/json refuses, with its error
	}
	return ast.InterfaceToValue(t.Format(time.RFC3339Nano))
}

func viaJSON(v reflect.Value) (ast.Value, error) { return marshalValue(v.Interface()) }

func marshalValue(x any) (ast.Value, error) {
	raw, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	return ast.ValueFromReader(bytes.NewReader(raw))
}

func (e *Encoder) arrayEncoder(t reflect.Type, nullable bool) encodeFunc {
	elem := t.Elem()
	return func(v reflect.Value) (ast.Value, error) {
		if nullable && v.IsNil() {
			return ast.NullValue, nil
		}
		enc := e.encoder(elem)
		terms := make([]*ast.Term, v.Len())
		slab := make([]ast.Term, len(terms)) // one allocation for the element terms
		for i := range terms {
			x, err := enc(v.Index(i))
			if err != nil {
				return nil, err
			}
			slab[i].Value = x
			terms[i] = &slab[i]
		}
		return ast.NewArray(terms...), nil
	}
}

func (e *Encoder) mapEncoder(t reflect.Type) encodeFunc {
	if t.Key().Kind() != reflect.String {
		return viaJSON // integer and MarshalText keys, or encoding/json's error
	}
	elem := t.Elem()
	return func(v reflect.Value) (ast.Value, error) {
		if v.IsNil() {
			return ast.NullValue, nil
		}
		enc := e.encoder(elem)
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		items := make([][2]*ast.Term, len(keys))
		for i, k := range keys {
			kv, err := stringValue(k.String())
			if err != nil {
				return nil, err
			}
			x, err := enc(v.MapIndex(k))
			if err != nil {
				return nil, err
			}
			items[i] = [2]*ast.Term{ast.NewTerm(kv), ast.NewTerm(x)}
		}
		return ast.NewObject(items...), nil
	}
}

// field is one JSON field of a struct: its name, where it is (index path through
// embedded structs) and how it is written.
type field struct {
	name      string
	key       *ast.Term
	index     []int
	typ       reflect.Type // the field's Go type
	omitEmpty bool
	omitZero  bool
	tagged    bool
}

func (e *Encoder) structEncoder(t reflect.Type) encodeFunc {
	fields, ok := jsonFields(t)
	if !ok {
		return viaJSON
	}
	return func(v reflect.Value) (ast.Value, error) {
		items := make([][2]*ast.Term, 0, len(fields))
		slab := make([]ast.Term, len(fields)) // one allocation for the value terms
		for i := range fields {
			f := &fields[i]
			fv, ok := fieldByIndex(v, f.index)
			if !ok {
				continue
			}
			if f.omitEmpty && isEmpty(fv) {
				continue
			}
			if f.omitZero && fv.IsZero() {
				continue
			}
			x, err := e.encoder(f.typ)(fv)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.name, err)
			}
			slab[i].Value = x
			items = append(items, [2]*ast.Term{f.key, &slab[i]})
		}
		return ast.NewObject(items...), nil
	}
}

// fieldByIndex follows index through embedded structs; ok is false when an embedded
// pointer on the way is nil (encoding/json then leaves the field out).
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for _, x := range index {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// isEmpty mirrors encoding/json's isEmptyValue (omitempty).
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

var isZeroerType = reflect.TypeFor[interface{ IsZero() bool }]()

// jsonFields lists the fields encoding/json writes for struct type t, in its order and by
// its rules (typeFields in encoding/json): embedded structs without a name tag are
// inlined, breadth first; among fields of one name the shallowest wins, then the tagged
// one, and two equals hide each other. ok is false for what this encoder leaves to
// encoding/json: the ",string" option and omitzero on a type with its own IsZero.
func jsonFields(t reflect.Type) ([]field, bool) {
	type level struct {
		typ   reflect.Type
		index []int
	}
	var current []level
	next := []level{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	var fields []field
	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, l := range current {
			if visited[l.typ] {
				continue
			}
			visited[l.typ] = true
			for i := range l.typ.NumField() {
				sf := l.typ.Field(i)
				if sf.Anonymous {
					ft := sf.Type
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTagName(name) {
					name = ""
				}
				index := append(append(make([]int, 0, len(l.index)+1), l.index...), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if hasOpt(opts, "string") {
					switch ft.Kind() {
					case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
						reflect.Float32, reflect.Float64, reflect.String:
						return nil, false
					}
				}
				if hasOpt(opts, "omitzero") && (sf.Type.Implements(isZeroerType) || reflect.PointerTo(sf.Type).Implements(isZeroerType)) {
					return nil, false
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					tagged := name != ""
					if name == "" {
						name = sf.Name
					}
					f := field{
						name: name, key: ast.StringTerm(name), index: index, typ: sf.Type,
						omitEmpty: hasOpt(opts, "omitempty"), omitZero: hasOpt(opts, "omitzero"), tagged: tagged,
					}
					fields = append(fields, f)
					if count[l.typ] > 1 {
						// The embedded type appeared twice at the level above: a
						// duplicate makes the dominance check drop the name.
						fields = append(fields, f)
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, level{typ: ft, index: index})
				}
			}
		}
	}
	slices.SortStableFunc(fields, func(a, b field) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		// The first is dominant unless the second is as deep and as tagged.
		if j-i == 1 || len(fields[i].index) != len(fields[i+1].index) || fields[i].tagged != fields[i+1].tagged {
			out = append(out, fields[i])
		}
		i = j
	}
	slices.SortFunc(out, func(a, b field) int { return slices.Compare(a.index, b.index) })
	return out, true
}

func hasOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

// validTagName mirrors encoding/json's isValidTag.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
