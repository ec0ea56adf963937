package enforcement

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"
)

// realCreditCode is one row of testdata/uscc_real_codes_stdnum.csv: real
// unified social credit codes collected by python-stdnum (see
// /work/shared/data/SOURCES.md), all valid under GB 32100-2015.
type realCreditCode struct {
	Code      string
	CheckChar string
}

type creditCodeTestBundle struct {
	codes []realCreditCode
}

func setupCreditCode(t *testing.T) *creditCodeTestBundle {
	t.Helper()
	f, err := os.Open("testdata/uscc_real_codes_stdnum.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	bundle := &creditCodeTestBundle{}
	for _, row := range rows[1:] {
		bundle.codes = append(bundle.codes, realCreditCode{Code: row[col["uscc"]], CheckChar: row[col["check_char"]]})
	}
	if len(bundle.codes) != 131 {
		t.Fatalf("read %d codes, want the 131 of the file", len(bundle.codes))
	}
	return bundle
}

func TestValidateCreditCodeRealCodes(t *testing.T) {
	t.Parallel()
	bundle := setupCreditCode(t)

	for _, c := range bundle.codes {
		got, err := ValidateCreditCode(c.Code)
		if err != nil {
			t.Errorf("ValidateCreditCode(%s): %v", c.Code, err)
			continue
		}
		if got != c.Code {
			t.Errorf("ValidateCreditCode(%s) = %s, want it unchanged", c.Code, got)
		}
		check, err := CreditCodeCheckChar(c.Code[:17])
		if err != nil || string(check) != c.CheckChar {
			t.Errorf("CreditCodeCheckChar(%s) = %c, %v; want %s", c.Code[:17], check, err, c.CheckChar)
		}
	}
}

func TestValidateCreditCodeCanonicalForm(t *testing.T) {
	t.Parallel()
	bundle := setupCreditCode(t)

	for _, c := range bundle.codes {
		in := " " + strings.ToLower(c.Code) + "\t"
		got, err := ValidateCreditCode(in)
		if err != nil || got != c.Code {
			t.Errorf("ValidateCreditCode(%q) = %q, %v; want %s", in, got, err, c.Code)
		}
	}
}

func TestValidateCreditCodeWrongCheckChar(t *testing.T) {
	t.Parallel()
	bundle := setupCreditCode(t)

	// Every other character of the alphabet in place of the right one is
	// caught: the check character detects any single substitution there.
	for _, c := range bundle.codes {
		for i := 0; i < len(creditCodeCharset); i++ {
			wrong := creditCodeCharset[i]
			if string(wrong) == c.CheckChar {
				continue
			}
			code := c.Code[:17] + string(wrong)
			_, err := ValidateCreditCode(code)
			if ErrorCode(err) != EINVALID {
				t.Errorf("ValidateCreditCode(%s): code %q, want %q (err %v)", code, ErrorCode(err), EINVALID, err)
				continue
			}
			if msg := ErrorMessage(err); !strings.Contains(msg, "gives "+c.CheckChar) {
				t.Errorf("ValidateCreditCode(%s): message %q does not name the expected check character %s", code, msg, c.CheckChar)
			}
		}
	}
}

func TestValidateCreditCodeBadLength(t *testing.T) {
	t.Parallel()
	valid := "91110000600037341L"

	for _, code := range []string{"", "9", valid[:17], valid + "0", valid[:16] + "L", "91110000600037341L91110000600037341L"} {
		_, err := ValidateCreditCode(code)
		if ErrorCode(err) != EINVALID {
			t.Errorf("ValidateCreditCode(%q): code %q, want %q", code, ErrorCode(err), EINVALID)
			continue
		}
		if msg := ErrorMessage(err); !strings.Contains(msg, "18 characters") {
			t.Errorf("ValidateCreditCode(%q): message %q does not say a code has 18 characters", code, msg)
		}
	}
}

func TestValidateCreditCodeBadAlphabet(t *testing.T) {
	t.Parallel()
	valid := "91110000600037341L"

	// GB 32100-2015 leaves out I, O, S, V and Z, which are easily confused
	// with 1, 0, 5, U and 2. Each is refused in any position of the body,
	// with the character and its position named, and in the check position.
	for _, bad := range []byte("IOSVZ") {
		for pos := 0; pos < 17; pos++ {
			code := valid[:pos] + string(bad) + valid[pos+1:]
			_, err := ValidateCreditCode(code)
			if ErrorCode(err) != EINVALID {
				t.Errorf("ValidateCreditCode(%s): code %q, want %q", code, ErrorCode(err), EINVALID)
				continue
			}
			if msg := ErrorMessage(err); !strings.Contains(msg, `'`+string(bad)+`'`) {
				t.Errorf("ValidateCreditCode(%s): message %q does not name %c", code, msg, bad)
			}
		}
		code := valid[:17] + string(bad)
		if _, err := ValidateCreditCode(code); ErrorCode(err) != EINVALID {
			t.Errorf("ValidateCreditCode(%s): code %q, want %q", code, ErrorCode(err), EINVALID)
		}
	}
	for _, code := range []string{"91110000-00037341L", "91110000600037341?", "9111000060003734１"} {
		if _, err := ValidateCreditCode(code); ErrorCode(err) != EINVALID {
			t.Errorf("ValidateCreditCode(%q): code %q, want %q", code, ErrorCode(err), EINVALID)
		}
	}
}

func TestCreditCodeCheckCharBadBody(t *testing.T) {
	t.Parallel()

	for _, body := range []string{"", "91110000600037341L", "9111000060003734", "9111000060003734I"} {
		if _, err := CreditCodeCheckChar(body); ErrorCode(err) != EINVALID {
			t.Errorf("CreditCodeCheckChar(%q): code %q, want %q", body, ErrorCode(err), EINVALID)
		}
	}
}
