package web

import (
	"net/url"
	"testing"
)

func TestPagedBodyOffersTheNextPageOnlyWhenFull(t *testing.T) {
	t.Parallel()
	type item struct{ ID int64 }
	id := func(x item) int64 { return x.ID }
	full := pagedBody("items", []item{{9}, {8}, {7}}, 3, 100, id)
	if full["next_before_id"] != int64(7) {
		t.Fatalf("full page = %v, want next_before_id 7", full)
	}
	if short := pagedBody("items", []item{{9}, {8}}, 3, 100, id); short["next_before_id"] != nil {
		t.Fatalf("short page = %v offers a next page", short)
	}
	if def := pagedBody("items", []item{{9}, {8}}, 0, 2, id); def["next_before_id"] != int64(8) {
		t.Fatalf("a full page of the store's default size = %v", def)
	}
	if _, _, err := queryPage(url.Values{"before_id": {"-1"}}, 10); err == nil {
		t.Fatal("a negative before_id was accepted")
	}
	limit, before, err := queryPage(url.Values{"limit": {"5"}, "before_id": {"42"}}, 10)
	if err != nil || limit != 5 || before != 42 {
		t.Fatalf("queryPage = %d, %d, %v", limit, before, err)
	}
}
