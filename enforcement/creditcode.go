package enforcement

import "strings"

// creditCodeCharset is the 31-character alphabet of GB 32100-2015: digits
// and capital letters without I, O, Z, S and V. A character's value is its
// index.
const creditCodeCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are the weights of positions 1 to 17 (GB 32100-2015 §5).
var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCodeCheckChar returns the check character for the first 17
// characters of a unified social credit code (统一社会信用代码), per
// GB 32100-2015: 31 − (Σ value×weight mod 31), where 31 maps to 0.
// It returns EINVALID if body is not 17 characters of the code's alphabet.
func CreditCodeCheckChar(body string) (byte, error) {
	if len(body) != 17 {
		return 0, Errorf(EINVALID, "A credit code body has 17 characters; got %d.", len(body)).
			ZH("统一社会信用代码的本体代码应为 17 位；实际为 %d 位。", len(body))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCodeCharset, body[i])
		if v < 0 {
			return 0, Errorf(EINVALID, "Character %d of the credit code, %q, is not allowed (GB 32100-2015 uses 0-9 and A-Y without I, O, S, V, Z).", i+1, body[i]).
				ZH("统一社会信用代码第 %d 位“%c”不是允许的字符（GB 32100-2015 使用 0-9 及除 I、O、S、V、Z 以外的大写字母 A-Y）。", i+1, body[i])
		}
		sum += v * creditCodeWeights[i]
	}
	return creditCodeCharset[(31-sum%31)%31], nil
}

// ValidateCreditCode checks an 18-character unified social credit code
// (GB 32100-2015) and returns it in canonical upper case. It returns
// EINVALID with a message that says what is wrong: the length, a character
// outside the alphabet, or a check character that does not match (and which
// one was expected).
func ValidateCreditCode(code string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if len(c) != 18 {
		return "", Errorf(EINVALID, "A credit code (统一社会信用代码) has 18 characters; %q has %d.", code, len(c)).
			ZH("统一社会信用代码应为 18 位；“%s”为 %d 位。", code, len(c))
	}
	want, err := CreditCodeCheckChar(c[:17])
	if err != nil {
		return "", err
	}
	if c[17] != want {
		return "", Errorf(EINVALID, "Credit code %s has check character %c, but GB 32100-2015 gives %c: a character was mistyped.", c, c[17], want).
			ZH("统一社会信用代码 %s 的校验码为 %c，按 GB 32100-2015 应为 %c，可能有字符输入错误。", c, c[17], want)
	}
	return c, nil
}
