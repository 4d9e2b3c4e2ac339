package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// selfDecoding refuses anything but "ok", as a type with its own text
// decoding (a duration) does.
type selfDecoding string

func (s *selfDecoding) UnmarshalText(b []byte) error {
	if string(b) != "ok" {
		return errors.New("convreport: bad value \"" + string(b) + "\": want ok")
	}
	*s = selfDecoding(b)
	return nil
}

type measure struct {
	P         float64      `json:"p"`
	N         int          `json:"n"`
	Threshold selfDecoding `json:"threshold"`
	On        bool         `json:"on"`
}

type report struct {
	ID         string            `json:"id"`
	Dimensions []string          `json:"dimensions"`
	Measure    measure           `json:"measure"`
	Labels     map[string]string `json:"labels"`
	Any        any               `json:"any"`
}

type dashboard struct {
	Name    string   `json:"name"`
	Reports []report `json:"reports"`
}

func TestLocateNamesThePathAndWhatIsWanted(t *testing.T) {
	for _, c := range []struct {
		in     string
		strict bool // unknown keys refused
		field  string
		reason string
	}{
		{`{"reports":[{"id":"a"},{"id":"b","measure":{"p":"90"}}]}`, true, "reports[1].measure.p", "want a number, got a JSON string"},
		{`{"reports":[{"measure":{"n":1.5}}]}`, false, "reports[0].measure.n", "want a whole number, got 1.5"},
		{`{"reports":[{"measure":{"n":1e30}}]}`, false, "reports[0].measure.n", "1e30 is out of range"},
		{`{"reports":[{"measure":{"threshold":"5 minutes"}}]}`, true, "reports[0].measure.threshold", `bad value "5 minutes": want ok`},
		{`{"reports":[{"measure":{"threshold":300}}]}`, true, "reports[0].measure.threshold", "want a string, got a JSON number"},
		{`{"reports":[{"measure":{"on":"yes"}}]}`, true, "reports[0].measure.on", "want true or false, got a JSON string"},
		{`{"reports":[{"dimensions":["Inbox",3]}]}`, true, "reports[0].dimensions[1]", "want a string, got a JSON number"},
		{`{"reports":{"id":"a"}}`, true, "reports", "want an array, got a JSON object"},
		{`{"reports":[{"measure":[]}]}`, true, "reports[0].measure", "want an object, got a JSON array"},
		{`{"reports":[{"labels":{"x":1}}]}`, true, "reports[0].labels.x", "want a string, got a JSON number"},
		{`{"reports":[{"measure":{"pp":90}}]}`, true, "reports[0].measure.pp", "unknown key (want p, n, threshold, on)"},
		{`{"name":"x","nmae":"y"}`, true, "nmae", "unknown key (want name, reports)"},
		{`[1]`, true, "", "want an object, got a JSON array"},
		// A key in another case is the field, as encoding/json reads it.
		{`{"Reports":[{"Measure":{"P":"x"}}]}`, true, "Reports[0].Measure.P", "want a number, got a JSON string"},
		// Without DisallowUnknownFields an unknown key is no error: the
		// one after it is.
		{`{"reports":[{"pp":1,"measure":{"p":true}}]}`, false, "reports[0].measure.p", "want a number, got a JSON boolean"},
		{`{"any":{"x":[1,"a"]},"reports":[{"any":3,"id":4}]}`, false, "reports[0].id", "want a string, got a JSON number"},
	} {
		dec := json.NewDecoder(bytes.NewReader([]byte(c.in)))
		if c.strict {
			dec.DisallowUnknownFields()
		}
		var d dashboard
		err := dec.Decode(&d)
		require.Error(t, err, c.in)
		located := Locate([]byte(c.in), &d, err)
		var se *Error
		require.ErrorAs(t, located, &se, "%s: %v", c.in, located)
		require.Equal(t, c.field, se.Field(), c.in)
		require.Equal(t, c.reason, se.Reason, c.in)
	}
}

func TestLocateKeepsWhatItCannotPlace(t *testing.T) {
	for _, in := range []string{`{"reports":[`, `{"reports":[}`, `{"name":"a"}x`} {
		var d dashboard
		err := json.Unmarshal([]byte(in), &d)
		require.Error(t, err, in)
		require.Same(t, err, Locate([]byte(in), &d, err), in)
	}
	require.NoError(t, Locate([]byte(`{}`), &dashboard{}, nil))
	other := errors.New("something else")
	require.Same(t, other, Locate([]byte(`{"name":"a"}`), &dashboard{}, other), "no value is at fault")
}
