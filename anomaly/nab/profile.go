package nab

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Profile is one of NAB's application profiles: the weights of its cost matrix.
type Profile struct {
	Name       string
	TP, FP, FN float64
}

// Profiles are NAB's three profiles, as in config/profiles.json.
func Profiles() []Profile {
	return []Profile{
		{Name: "standard", TP: 1, FP: 0.11, FN: 1},
		{Name: "reward_low_FP_rate", TP: 1, FP: 0.22, FN: 1},
		{Name: "reward_low_FN_rate", TP: 1, FP: 0.11, FN: 2},
	}
}

// LoadProfiles reads a NAB config/profiles.json, profiles sorted by name.
func LoadProfiles(path string) ([]Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read profiles: %w", err)
	}
	var raw map[string]struct {
		CostMatrix struct {
			TP float64 `json:"tpWeight"`
			FP float64 `json:"fpWeight"`
			FN float64 `json:"fnWeight"`
		}
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("parse profiles %s: %w", path, err)
	}
	var out []Profile
	for name, p := range raw {
		out = append(out, Profile{Name: name, TP: p.CostMatrix.TP, FP: p.CostMatrix.FP, FN: p.CostMatrix.FN})
	}
	slices.SortFunc(out, func(a, b Profile) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
