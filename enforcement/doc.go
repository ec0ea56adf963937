// Package enforcement is the domain of jointops: the nouns of joint
// enforcement of work safety (联合执法), their state machines, the rules that
// drive them, and the service interfaces the adapters implement.
//
// It imports the standard library only (DESIGN.md §6). Adapters such as
// enforcement/postgres, enforcement/web, workflow and auth import it; it
// imports none of them.
package enforcement
