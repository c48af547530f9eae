package awsapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// handler answers one operation with a value the protocol encodes, or an error.
type handler func(*request) (any, *apiError)

// protocol is one AWS wire protocol.
type protocol interface {
	operation(*request) (string, error)
	write(w http.ResponseWriter, req *request, out any)
	writeError(w http.ResponseWriter, req *request, e apiError)
}

func protocolOf(service string) protocol {
	switch service {
	case "secretsmanager", "kms", "cloudtrail", "organizations":
		return awsJSON{}
	case "iam":
		return query{xmlns: "https://iam.amazonaws.com/doc/2010-05-08/"}
	case "sts":
		return query{xmlns: "https://sts.amazonaws.com/doc/2011-06-15/"}
	case "account":
		return restJSON{}
	case "s3":
		return restXML{}
	}
	return nil
}

// awsJSON is awsJson1_1: POST / with X-Amz-Target "<prefix>.<Operation>".
type awsJSON struct{}

func (awsJSON) operation(req *request) (string, error) {
	target := req.r.Header.Get("X-Amz-Target")
	i := strings.LastIndexByte(target, '.')
	if i < 0 || req.r.Method != http.MethodPost {
		return "", fmt.Errorf("not a JSON 1.1 request: %s with X-Amz-Target %q", req.r.Method, target)
	}
	if ct := req.r.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		return "", fmt.Errorf("content type %q is not application/x-amz-json-1.1", ct)
	}
	return target[i+1:], nil
}

func (awsJSON) write(w http.ResponseWriter, req *request, out any) {
	writeJSON(w, "application/x-amz-json-1.1", http.StatusOK, out)
}

func (awsJSON) writeError(w http.ResponseWriter, req *request, e apiError) {
	w.Header().Set("X-Amzn-Errortype", e.code)
	writeJSON(w, "application/x-amz-json-1.1", e.status, map[string]string{"__type": e.code, "message": e.msg})
}

// restJSON is restJson1 as the Account API speaks it: POST /<operationCamelCase>.
type restJSON struct{}

func (restJSON) operation(req *request) (string, error) {
	name := strings.TrimPrefix(req.r.URL.Path, "/")
	if name == "" || strings.Contains(name, "/") || req.r.Method != http.MethodPost {
		return "", fmt.Errorf("not a REST-JSON operation: %s %s", req.r.Method, req.r.URL.Path)
	}
	return strings.ToUpper(name[:1]) + name[1:], nil
}

func (restJSON) write(w http.ResponseWriter, req *request, out any) {
	writeJSON(w, "application/json", http.StatusOK, out)
}

func (restJSON) writeError(w http.ResponseWriter, req *request, e apiError) {
	w.Header().Set("X-Amzn-Errortype", e.code)
	writeJSON(w, "application/json", e.status, map[string]string{"message": e.msg})
}

func writeJSON(w http.ResponseWriter, contentType string, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "awsapi: encode answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-Requestid", randomHex(16))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// decode reads a JSON request body into v.
func decode(req *request, v any) *apiError {
	if len(bytes.TrimSpace(req.body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(req.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errorf(400, "SerializationException", "cannot read %s request: %v", req.op, err)
	}
	return nil
}

// query is the AWS Query protocol: a form-encoded POST with Action and Version, answered in XML.
type query struct{ xmlns string }

func (query) operation(req *request) (string, error) {
	if req.r.Method != http.MethodPost {
		return "", fmt.Errorf("not a Query request: %s", req.r.Method)
	}
	form, err := url.ParseQuery(string(req.body))
	if err != nil {
		return "", fmt.Errorf("form body: %w", err)
	}
	req.r.Form = form
	if form.Get("Action") == "" || form.Get("Version") == "" {
		return "", fmt.Errorf("query request without Action and Version")
	}
	return form.Get("Action"), nil
}

func (q query) write(w http.ResponseWriter, req *request, out any) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	fmt.Fprintf(&buf, "<%sResponse xmlns=%q>", req.op, q.xmlns)
	enc := xml.NewEncoder(&buf)
	if err := enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: req.op + "Result"}}); err != nil {
		http.Error(w, "awsapi: encode answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(&buf, "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>", randomHex(16), req.op)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

func (q query) writeError(w http.ResponseWriter, req *request, e apiError) {
	kind := "Sender"
	if e.status >= 500 {
		kind = "Receiver"
	}
	var msg bytes.Buffer
	_ = xml.EscapeText(&msg, []byte(e.msg))
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.status)
	fmt.Fprintf(w, "%s<ErrorResponse xmlns=%q><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>",
		xml.Header, q.xmlns, kind, e.code, msg.String(), randomHex(16))
}

// form returns a Query parameter.
func form(req *request, name string) string { return req.r.Form.Get(name) }

// formList returns a Query list parameter: Name.member.1, Name.member.2, …
func formList(req *request, name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := req.r.Form[name+".member."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v...)
	}
}

// formInt returns a Query integer parameter, 0 when absent.
func formInt(req *request, name string) (int, *apiError) {
	v := form(req, name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errorf(400, "ValidationError", "%s %q is not an integer", name, v)
	}
	return n, nil
}

// epoch is a timestamp as JSON protocols send it: seconds since the epoch.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return []byte(fmt.Sprintf("%d.%03d", ms/1000, ms%1000)), nil
}

func epochOf(t *time.Time) *epoch {
	if t == nil {
		return nil
	}
	e := epoch(*t)
	return &e
}

// isoTime is a timestamp as the Query protocol sends it.
func isoTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// page cuts one page of total items. requested is the caller's page size (0 for none),
// max the most AWS returns; the emulator's PageSize caps both. The token is opaque and
// bound to the operation, account, region and list it was issued for.
func (s *Server) page(req *request, list string, total, requested, max int, token string) (start, end int, next string, aerr *apiError) {
	size := max
	if requested > 0 && requested < size {
		size = requested
	}
	if s.opts.PageSize > 0 && s.opts.PageSize < size {
		size = s.opts.PageSize
	}
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		prefix := tokenPrefix(req, list)
		if err != nil || !strings.HasPrefix(string(raw), prefix) {
			return 0, 0, "", errorf(400, invalidTokenCode(req.service), "invalid pagination token for %s", req.op)
		}
		start, err = strconv.Atoi(strings.TrimPrefix(string(raw), prefix))
		if err != nil || start < 0 || start > total {
			return 0, 0, "", errorf(400, invalidTokenCode(req.service), "invalid pagination token for %s", req.op)
		}
	}
	end = start + size
	if end >= total {
		return start, total, "", nil
	}
	return start, end, base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix(req, list) + strconv.Itoa(end))), nil
}

func tokenPrefix(req *request, list string) string {
	return "v1|" + req.service + "|" + req.op + "|" + req.id.account + "|" + req.region + "|" + list + "|"
}

func invalidTokenCode(service string) string {
	switch service {
	case "kms":
		return "InvalidMarkerException"
	case "iam":
		return "InvalidInput"
	case "organizations":
		return "InvalidInputException"
	case "account":
		return "ValidationException"
	case "s3":
		return "InvalidArgument"
	}
	return "InvalidNextTokenException"
}
