package main

import (
	"net"
	"sync"

	"k8s.io/apimachinery/pkg/types"
)

// podCIDR is where pod IPs come from; the node advertises it as its podCIDR.
const podCIDR = "10.244.0.0/16"

// ipAllocator hands out one unique address of 10.244.0.0/16 per pod UID.
type ipAllocator struct {
	mu    sync.Mutex
	next  uint32
	byUID map[types.UID]uint32
	used  map[uint32]types.UID
}

const (
	ipBase  = 10<<24 | 244<<16
	ipCount = 1 << 16
)

func newIPAllocator() *ipAllocator {
	return &ipAllocator{next: 2, byUID: map[types.UID]uint32{}, used: map[uint32]types.UID{}}
}

// reserve records an address a pod already has, as after a restart of the harness.
func (a *ipAllocator) reserve(uid types.UID, ip string) {
	parsed := net.ParseIP(ip).To4()
	if parsed == nil {
		return
	}
	n := uint32(parsed[0])<<24 | uint32(parsed[1])<<16 | uint32(parsed[2])<<8 | uint32(parsed[3])
	if n&^(ipCount-1) != ipBase {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.byUID[uid] = n - ipBase
	a.used[n-ipBase] = uid
}

// allocate returns the pod's address, choosing a free one the first time.
// It returns "" when the range is exhausted.
func (a *ipAllocator) allocate(uid types.UID) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if n, ok := a.byUID[uid]; ok {
		return format(n)
	}
	for i := 0; i < ipCount; i++ {
		n := a.next
		a.next = (a.next + 1) % ipCount
		if n < 2 || n == ipCount-1 { // network, gateway, broadcast
			continue
		}
		if _, taken := a.used[n]; !taken {
			a.byUID[uid] = n
			a.used[n] = uid
			return format(n)
		}
	}
	return ""
}

func (a *ipAllocator) release(uid types.UID) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if n, ok := a.byUID[uid]; ok {
		delete(a.byUID, uid)
		delete(a.used, n)
	}
}

func format(n uint32) string {
	v := ipBase + n
	return net.IPv4(byte(v>>24), byte(v>>16), byte(v>>8), byte(v)).String()
}
