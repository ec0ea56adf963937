package enforcement_test

import (
	"fmt"

	"github.com/jointops/jointops/enforcement"
)

// A credit code is checked on input: a valid one comes back in canonical
// form, a mistyped one is refused with EINVALID and a message that names
// the check character GB 32100-2015 expects.
func ExampleValidateCreditCode() {
	code, err := enforcement.ValidateCreditCode("91110000600037341l")
	fmt.Println(code, err)

	_, err = enforcement.ValidateCreditCode("91110000600037341M")
	fmt.Println(enforcement.ErrorCode(err))
	fmt.Println(enforcement.ErrorMessage(err))
	// Output:
	// 91110000600037341L <nil>
	// invalid
	// Credit code 91110000600037341M has check character M, but GB 32100-2015 gives L: a character was mistyped.
}

// A new code is made by computing the check character of its 17-character
// body: registration department 9 (market supervision), entity type 1
// (enterprise), the administrative code and the organisation code.
func ExampleCreditCodeCheckChar() {
	body := "91110000600037341"
	check, err := enforcement.CreditCodeCheckChar(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(body + string(check))
	// Output:
	// 91110000600037341L
}
