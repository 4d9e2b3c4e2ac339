package sample_test

import (
	"fmt"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sample"
)

func Example() {
	convs := sample.Generate(sample.Config{Seed: 1, N: 1_000})
	first, last := convs[0], convs[len(convs)-1]
	valid := true
	for i := range convs {
		valid = valid && convs[i].Validate() == nil
	}
	fmt.Println(len(convs), "conversations:", first.ID, "…", last.ID)
	fmt.Println("created from", first.CreatedAt.Format("2006-01-02"), "to", last.CreatedAt.Format("2006-01-02"))
	fmt.Println("all valid:", valid)
	// Output:
	// 1000 conversations: c-0000001 … c-0001000
	// created from 2025-03-03 to 2025-05-31
	// all valid: true
}

// All streams the rows of Generate in constant memory: here, 200,000
// conversations are counted without being held.
func ExampleAll() {
	chats := 0
	for c := range sample.All(sample.Config{N: 200_000}) {
		if c.Channel == convreport.Chat {
			chats++
		}
	}
	fmt.Println("more than half are chats:", chats > 100_000)
	// Output: more than half are chats: true
}
