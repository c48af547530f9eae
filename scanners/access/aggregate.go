package access

import (
	"math"
	"net/netip"
	"sort"
	"strings"
)

// exemplar is an event kept as evidence: identifiers, never request parameters.
type exemplar struct {
	id, name, source, region, sourceIP, userAgent, errorCode, target string
	time                                                             int64
}

func exemplarOf(e *Event) exemplar {
	return exemplar{id: e.ID, time: e.Time, name: e.Name, source: e.Source, region: e.Region,
		sourceIP: e.SourceIP, userAgent: e.UserAgent, errorCode: e.ErrorCode, target: e.Target}
}

// sample keeps the earliest events of something (by time, then id), up to a cap: the
// same events whatever order parallel workers deliver them in.
type sample []exemplar

func (x *exemplar) before(time int64, id string) bool {
	return x.time < time || (x.time == time && x.id < id)
}

func (s *sample) add(e *Event, max int) {
	if len(*s) < max {
		*s = append(*s, exemplarOf(e))
		return
	}
	latest := 0
	for i := 1; i < len(*s); i++ {
		if (*s)[latest].before((*s)[i].time, (*s)[i].id) {
			latest = i
		}
	}
	if !(*s)[latest].before(e.Time, e.ID) {
		(*s)[latest] = exemplarOf(e)
	}
}

// facet counts the review-window events of one network, region or user agent.
type facet struct {
	events, access, instance int
	ex                       sample
}

// secretUse is one principal's reads of one secret in the review window.
type secretUse struct {
	reads int
	ex    sample
}

// tile is one fixed window of a burst tracker.
type tile struct {
	start int64
	// ids maps each distinct id seen to the first time it was seen in the tile.
	ids map[uint32]int64
	n   int
	// list is the time of the first ListSecrets in the tile (list-then-read), 0 if none.
	list   int64
	listEx *exemplar
	ex     sample
	key    string
}

// tiles finds the busiest fixed window of a given width for one principal and kind. Two
// tilings offset by half a width are kept, so any burst no longer than half the width
// lies wholly inside one tile. Tiles are closed as soon as no further event can fall in
// them (see aggregator.compact), so memory does not grow with the events.
type tiles struct {
	width int64
	open  map[int64]*tile
	best  *tile
	score int
	kind  tileKind
	// name is copied to every tile (the access key of a key tracker).
	name string
}

type tileKind uint8

const (
	// distinct counts distinct ids.
	distinct tileKind = iota
	// count counts events.
	count
	// afterList counts distinct ids first seen at or after the tile's first ListSecrets.
	afterList
)

func newTiles(width int64, kind tileKind) *tiles {
	return &tiles{width: width, kind: kind, open: map[int64]*tile{}}
}

func (ts *tiles) starts(at int64) [2]int64 {
	w, h := ts.width, ts.width/2
	s0 := at - at%w
	s1 := s0 + h
	if s1 > at {
		s1 -= w
	}
	return [2]int64{s0, s1}
}

func (ts *tiles) tile(start int64) *tile {
	t := ts.open[start]
	if t == nil {
		t = &tile{start: start, key: ts.name}
		ts.open[start] = t
	}
	return t
}

// add records id at time at; e is kept as evidence when it adds a new id.
func (ts *tiles) add(at int64, id uint32, e *Event, maxEx int) {
	for _, s := range ts.starts(at) {
		t := ts.tile(s)
		t.n++
		if ts.kind == count {
			t.ex.add(e, maxEx)
			continue
		}
		if t.ids == nil {
			t.ids = make(map[uint32]int64, 4)
		}
		if first, ok := t.ids[id]; !ok || at < first {
			t.ex.add(e, maxEx)
			t.ids[id] = at
		}
	}
}

// markList records a ListSecrets call.
func (ts *tiles) markList(at int64, e *Event) {
	for _, s := range ts.starts(at) {
		t := ts.tile(s)
		if t.listEx == nil || !t.listEx.before(at, e.ID) {
			t.list = at
			ex := exemplarOf(e)
			t.listEx = &ex
		}
	}
}

func (ts *tiles) scoreOf(t *tile) int {
	switch ts.kind {
	case count:
		return t.n
	case afterList:
		if t.list == 0 {
			return 0
		}
		n := 0
		for _, first := range t.ids {
			if first >= t.list {
				n++
			}
		}
		return n
	}
	return len(t.ids)
}

// close finalises every tile that ends at or before horizon, keeping the best.
func (ts *tiles) close(horizon int64) {
	for s, t := range ts.open {
		if s+ts.width > horizon {
			continue
		}
		if sc := ts.scoreOf(t); sc > ts.score || (sc == ts.score && sc > 0 && ts.best != nil && t.start < ts.best.start) {
			ts.best, ts.score = t, sc
		}
		delete(ts.open, s)
	}
}

// principal is everything the review keeps about one principal.
type principal struct {
	id Principal
	// idTime is the time of the event id was taken from: the earliest, so that the
	// identity does not depend on the order events arrive in.
	idTime int64

	// Baseline window: the principal's own activity.
	bEvents   int
	bDays     []int32 // own events per day of the baseline
	bKMS      []int32 // own KMS uses per day of the baseline
	bHours    [24]int32
	bNetworks map[netip.Prefix]struct{}
	bNetOver  bool
	bRegions  map[string]struct{}
	bFamilies map[string]struct{}
	bSecrets  map[uint32]struct{}

	// Review window.
	rEvents   int
	rOwn      int
	via       map[string]int
	first     int64
	last      int64
	ownEx     sample
	networks  map[netip.Prefix]*facet
	netOver   int
	regions   map[string]*facet
	agents    map[string]*facet
	agentOver int
	hours     [24]*facet
	secrets   map[uint32]*secretUse
	kms       int
	kmsKeys   map[string]struct{}
	kmsEx     sample
	ssm       int
	ssmParams map[uint32]struct{}
	batch     int
	batchIDs  int
	batchReg  map[string]*facet
	denied    int
	deniedEx  sample

	secretBurst *tiles
	listRead    *tiles
	deniedBurst *tiles
	ssmBurst    *tiles
	keyNets     map[string]*tiles
	keyBest     *tiles
}

const (
	maxFacets       = 64
	maxBaselineNets = 1024
	facetSample     = 3
)

// ipInfo classifies a source address.
type network struct {
	prefix   netip.Prefix
	ok       bool
	internal bool
	trusted  bool
}

// uaFamily reduces a user agent to its product: aws-cli, boto3, aws-sdk-go-v2, console, …
func uaFamily(ua string) string {
	if ua == "" {
		return "none"
	}
	l := strings.ToLower(ua)
	switch {
	case l == "aws internal" || strings.Contains(l, "console.amazonaws.com") || strings.HasPrefix(l, "[s3console") || strings.Contains(l, "signin.amazonaws.com"):
		return "console"
	case strings.HasSuffix(l, ".amazonaws.com"):
		return "aws-service"
	case strings.Contains(l, "terraform"):
		return "terraform"
	case strings.HasPrefix(l, "mozilla/"):
		return "browser"
	}
	l = strings.TrimLeft(l, "[")
	end := strings.IndexAny(l, "/ ;()[]")
	if end < 0 {
		end = len(l)
	}
	if end > 40 {
		end = 40
	}
	return l[:end]
}

// median and mad compute the median and the median absolute deviation.
func medianMAD(xs []int32) (median, mad float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = float64(x)
	}
	median = quickMedian(v)
	for i := range v {
		v[i] = math.Abs(v[i] - median)
	}
	return median, quickMedian(v)
}

func quickMedian(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
