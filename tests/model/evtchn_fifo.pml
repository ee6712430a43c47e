/*
 * Promela model of the FIFO event channel protocol between Xen (the
 * producer, xen/common/event_fifo.c) and a Linux guest (the consumer,
 * drivers/xen/events/events_fifo.c), for one vCPU with two priority queues
 * and three ports. Checked with spin by tests/model/run_spin.sh; see
 * docs/testing.md ("Protocol models") for what is abstracted and how to run.
 *
 * Source of the ABI: Xen public/event_channel.h, FIFO section.
 *
 * Atomicity: one Promela step per memory access that is a single access on
 * hardware. A d_step is used only for one locked read-modify-write (cmpxchg,
 * lock bts/btr, xchg); plain reads and plain writes are steps of their own,
 * so every interleaving of the real code's shared accesses is explored.
 * Steps on a process's private variables are folded into neighbouring steps.
 *
 * Broken variants (spin -DBUG_...) each drop one step of the protocol; the
 * checker must find an error in every one of them:
 *   BUG_LINK_NO_CAS          Xen writes LINK into the tail word without the
 *                            cmpxchg that requires LINKED to still be set
 *   BUG_NO_TAIL_RESET        Xen keeps a stale tail that equals the port
 *                            being linked (links the port to itself)
 *   BUG_NO_QUEUE_LOCK        Xen's set_pending runs without the queue lock
 *   BUG_CLEAR_LINKED_PLAIN   Linux clears LINKED by read + plain write
 *   BUG_UNMASK_NO_HYPERCALL  Linux clears MASKED even when PENDING, and does
 *                            not ask Xen to relink the port
 *
 * With -DMASK_ROUNDS=2 the checker finds Xen's own retry bound exhausted
 * (assertion on retry_bound_exhausted): see docs/testing.md.
 */

/* Ports 1..NPORTS; port 0 is the invalid port, its word stays 0. */
#define NPORTS 3
#define NQ     2

/*
 * Event word, packed into a byte: the flags keep the ABI's order (PENDING
 * above MASKED above LINKED above BUSY) and LINK shrinks from 17 bits to the
 * 2 bits that three ports need.
 */
#define LINK_MASK 3
#define BUSY      16
#define LINKED    32
#define MASKED    64
#define PENDING   128

/* Ports 1 and 2 are on queue 0 (the higher priority), port 3 on queue 1. */
#define PRIO(p)   ((p) == 3 -> 1 : 0)

#ifndef SENDS_A
#define SENDS_A 2        /* set_pending calls by the first sender */
#endif
#ifndef SENDS_B
#define SENDS_B 1        /* ... and by the second */
#endif
#ifndef PORTS_A
#define PORTS_A 14       /* bit p set: the first sender may send on port p */
#endif
#ifndef PORTS_B
#define PORTS_B 2
#endif
#ifndef MASK_ROUNDS
#define MASK_ROUNDS 1    /* mask/unmask pairs by the guest */
#endif

/* Guest memory shared with Xen. */
byte word[NPORTS + 1];        /* event array */
byte head[NQ];                /* control block HEAD[priority] */
byte ready;                   /* control block READY, bit q = queue q */
bit upcall_pending;           /* vcpu_info->evtchn_upcall_pending */

/* Xen's private per-queue state. */
byte tail[NQ];
bit qlock[NQ];

/* Linux's private per-CPU state: where the consumer resumes in each queue. */
byte lhead[NQ];

/* Ghost: the consumer is inside consume_one_event (between HEAD and LINK). */
bit consuming;
/* Ghost: Xen's set_link used up its 4 retries and gave up. */
bit retry_bound_exhausted;

/* ---------------------------------------------------------------- Xen -- */

/*
 * try_set_link: if the tail word `w` (a snapshot) is LINKED, cmpxchg its LINK
 * to `link` and clear BUSY. ret: 0 not linked, 1 linked, 2 the word changed
 * under us (w is refreshed, retry).
 */
inline try_set_link(tw, link)
{
    if
    :: (w & LINKED) == 0 -> ret = 0
    :: else ->
#ifdef BUG_LINK_NO_CAS
        d_step { word[tw] = (word[tw] & ~(BUSY | LINK_MASK)) | link; ret = 1 }
#else
        d_step {
            if
            :: word[tw] == w -> word[tw] = (w & ~(BUSY | LINK_MASK)) | link; ret = 1
            :: else -> w = word[tw]; ret = 2
            fi
        }
#endif
    fi
}

/* evtchn_fifo_set_link: link the tail word `tw` to `link`; sets `linked`. */
inline set_link(tw, link)
{
    w = word[tw];
    try_set_link(tw, link);
    if
    :: ret < 2 -> linked = ret
    :: else ->
        d_step { word[tw] = word[tw] | BUSY };   /* block guest unmasking */
        w = word[tw];
        tries = 0;
        do
        :: tries < 4 ->
            try_set_link(tw, link);
            if
            :: ret == 0 -> d_step { word[tw] = word[tw] & ~BUSY }; linked = 0; break
            :: ret == 1 -> linked = 1; break
            :: else -> tries++
            fi
        :: else ->
            /*
             * Xen gives up ("not linked") and reports the port as linked,
             * which strands it. Xen's comment argues this cannot happen
             * once BUSY is set; flag it when it does.
             */
            retry_bound_exhausted = 1;
            assert(!retry_bound_exhausted);
            d_step { word[tw] = word[tw] & ~BUSY }; linked = 1; break
        od
    fi
}

/*
 * evtchn_fifo_set_pending for port `p` on this vCPU. The port never changes
 * queue, so lastq always names q: one lock, no retry for a queue change.
 */
inline xen_set_pending(p)
{
#ifndef BUG_NO_QUEUE_LOCK
    atomic { qlock[PRIO(p)] == 0 -> qlock[PRIO(p)] = 1; q = PRIO(p); linked = 1 };
#else
    d_step { q = PRIO(p); linked = 1 };
#endif
    d_step { word[p] = word[p] | PENDING };     /* test_and_set PENDING */
    if
    :: (word[p] & MASKED) == 0 ->               /* test MASKED */
        /*
         * test_and_set LINKED. The reads and writes of tail are folded into
         * the steps around them: only the lock holder touches tail.
         */
        d_step {
            w = word[p];
            word[p] = word[p] | LINKED;
            if
            :: (w & LINKED) == 0 ->
#ifndef BUG_NO_TAIL_RESET
                /* A tail equal to p means the queue drained: forget it. */
                if
                :: tail[q] == p -> tail[q] = 0
                :: else -> skip
                fi;
#endif
                linked = 0;
                t = tail[q]
            :: else -> skip
            fi
        };
        if
        :: !linked ->                           /* p was not linked before */
            if
            :: t != 0 -> set_link(t, p)
            :: else -> skip
            fi;
            atomic {
                if
                :: !linked -> head[q] = p       /* the queue was empty */
                :: else -> skip
                fi;
                tail[q] = p
            }
        :: else -> skip
        fi
    :: else -> skip
    fi;
#ifndef BUG_NO_QUEUE_LOCK
    qlock[q] = 0;
#endif
    if
    :: !linked ->
        d_step { w = ready; ready = ready | (1 << q) };   /* test_and_set READY */
        if
        :: (w & (1 << q)) == 0 -> upcall_pending = 1    /* vcpu_mark_events_pending */
        :: else -> skip
        fi
    :: else -> skip
    fi;
    d_step { q = 0; w = 0; t = 0; ret = 0; tries = 0; linked = 0 }
}

/* A remote domain (or device model) sending events, one pCPU each. */
proctype sender(byte sends; byte ports)
{
    byte n, port, q, w, t, ret, tries;
    bit linked;

    do
    :: n < sends ->
        if
        :: ports & 2 -> port = 1
        :: ports & 4 -> port = 2
        :: ports & 8 -> port = 3
        fi;
        xen_set_pending(port);
        d_step { port = 0; n++ }
    :: else -> break
    od
}

/* -------------------------------------------------------------- Linux -- */

/* consume_one_event for queue qq; updates the local ready copy `lready`. */
inline consume_one_event(qq)
{
    /* lhead is this CPU's own; the HEAD read is the only shared access. */
    atomic {
        consuming = 1;
        port = lhead[qq];
        if
        :: port == 0 -> port = head[qq]         /* reached the tail last time */
        :: else -> skip
        fi;
        assert(port != 0)                       /* READY is set only after HEAD */
    };
    /* clear_linked: clear LINKED and LINK, return the old LINK. */
    w = word[port];
#ifdef BUG_CLEAR_LINKED_PLAIN
    word[port] = w & ~(LINKED | LINK_MASK);
#else
    do
    :: ok -> break
    :: else ->
        d_step {
            if
            :: word[port] == w -> word[port] = w & ~(LINKED | LINK_MASK); ok = 1
            :: else -> w = word[port]
            fi
        }
    od;
#endif
    /* (atomic, not d_step: the loop's break may not jump into a d_step) */
    atomic {
        hd = w & LINK_MASK;
        if
        :: hd == 0 -> lready = lready & ~(1 << qq)    /* queue empty */
        :: else -> skip
        fi;
        pend = ((word[port] & PENDING) != 0)          /* evtchn_fifo_is_pending */
    };
    if
    :: pend && (word[port] & MASKED) == 0 ->          /* !evtchn_fifo_is_masked */
        /* handle_irq_for_port: the ack clears PENDING, then the handler. */
        d_step { word[port] = word[port] & ~PENDING }
    :: else -> skip
    fi;
    d_step { lhead[qq] = hd; consuming = 0; hd = 0; w = 0; port = 0; ok = 0; pend = 0 }
}

/* The vCPU's upcall: xen_evtchn_do_upcall + __evtchn_fifo_handle_events. */
proctype guest_upcall()
{
    byte lready, qq, hd, port, w;
    bit ok, pend;

end:
    do
    :: atomic { upcall_pending -> upcall_pending = 0 };
        d_step { lready = ready; ready = 0 };     /* xchg READY */
        do
        :: lready == 0 -> break
        :: else ->
            qq = ((lready & 1) -> 0 : 1);        /* find_first_bit */
            consume_one_event(qq);
            d_step { lready = lready | ready; ready = 0; qq = 0 }
        od
    od
}

/*
 * The guest masking and unmasking ports (evtchn_fifo_mask, then
 * evtchn_fifo_unmask). Linux unmasks with interrupts off, but possibly on
 * another vCPU than the one the events are queued on; running it
 * concurrently with the upcall covers both.
 */
proctype guest_masker()
{
    byte n, p, old, q, w, t, ret, tries;
    bit ok, linked;

    do
    :: n < MASK_ROUNDS ->
        if
        :: p = 1
        :: p = 2
        :: p = 3
        fi;
        d_step { word[p] = word[p] | MASKED };       /* evtchn_fifo_mask */
#ifdef BUG_UNMASK_NO_HYPERCALL
        d_step { word[p] = word[p] & ~MASKED };
#else
        /* clear_masked_cond: clear MASKED unless PENDING, waiting out BUSY. */
        old = word[p];
        do
        :: (old & MASKED) == 0 -> ok = 1; break
        :: (old & MASKED) != 0 && (old & PENDING) != 0 -> ok = 0; break
        :: else ->
            d_step {
                old = old & ~BUSY;
                if
                :: word[p] == old -> word[p] = old & ~MASKED; ok = 1
                :: else -> old = word[p]; ok = 0
                fi
            };
            if
            :: ok -> break
            :: else -> skip
            fi
        od;
        if
        :: !ok ->
            /* EVTCHNOP_unmask -> evtchn_fifo_unmask, in Xen. */
            d_step { word[p] = word[p] & ~MASKED };
            if
            :: (word[p] & PENDING) != 0 -> xen_set_pending(p)   /* relink */
            :: else -> skip
            fi
        :: else -> skip
        fi;
#endif
        d_step { p = 0; old = 0; ok = 0; n++ }
    :: else -> break
    od
}

/* ---------------------------------------------------------- properties -- */

#define LNK(x)       (word[x] & LINK_MASK)
#define IS_LINKED(x) ((word[x] & LINKED) != 0)

/* LINK is non-zero only in a LINKED word (Xen's cmpxchg requires LINKED,
 * clear_linked clears both). Port 0's word is never touched. */
#define LINK_NEEDS_LINKED \
    (word[0] == 0 && (LNK(1) == 0 || IS_LINKED(1)) && \
     (LNK(2) == 0 || IS_LINKED(2)) && (LNK(3) == 0 || IS_LINKED(3)))

/* No double link: no port is the LINK of two words, none links to itself. */
#define INDEG(p)  ((LNK(1) == p) + (LNK(2) == p) + (LNK(3) == p))
#define NO_DOUBLE_LINK \
    (INDEG(1) <= 1 && INDEG(2) <= 1 && INDEG(3) <= 1 && \
     LNK(1) != 1 && LNK(2) != 2 && LNK(3) != 3)

/* No cycle: NPORTS steps along LINK from any port reach port 0. */
#define ACYCLIC \
    (LNK(LNK(LNK(1))) == 0 && LNK(LNK(LNK(2))) == 0 && LNK(LNK(LNK(3))) == 0)

/*
 * Queue q is well formed whenever no Xen CPU holds its lock and the consumer
 * is between events: where the consumer resumes (its saved LINK, else HEAD)
 * reaches Xen's tail along LINK, the tail has no LINK, and a port of q is
 * LINKED exactly when it lies on that chain.
 */
#define REACH(s, x) ((s) == (x) || LNK(s) == (x) || LNK(LNK(s)) == (x))
#define FROM_START(q, x) \
    ((lhead[q] != 0 && REACH(lhead[q], x)) || (lhead[q] == 0 && REACH(head[q], x)))
#define NONEMPTY(q) (tail[q] != 0 && IS_LINKED(tail[q]))
#define ON_QUEUE(q, x) \
    (NONEMPTY(q) && FROM_START(q, x) && REACH(x, tail[q]))
#define QUEUE_OK(q) \
    (qlock[q] || consuming || \
     ((!NONEMPTY(q) || LNK(tail[q]) == 0) && \
      (!NONEMPTY(q) || FROM_START(q, tail[q]))))
#define MEMBERS_OK \
    (qlock[0] || qlock[1] || consuming || \
     (IS_LINKED(1) == ON_QUEUE(0, 1) && IS_LINKED(2) == ON_QUEUE(0, 2) && \
      IS_LINKED(3) == ON_QUEUE(1, 3)))

/* BUSY is set only by Xen inside set_link, so only under the queue lock. */
#define BUSY_HELD(x) ((word[x] & BUSY) == 0 || qlock[PRIO(x)])
#define BUSY_OK      (BUSY_HELD(1) && BUSY_HELD(2) && BUSY_HELD(3))

#define WELL_FORMED \
    (LINK_NEEDS_LINKED && NO_DOUBLE_LINK && ACYCLIC && \
     QUEUE_OK(0) && QUEUE_OK(1) && MEMBERS_OK && BUSY_OK)

/*
 * One claim per run, chosen with spin -DCLAIM_...: spin 6.5.2 mis-numbers a
 * named never claim that sits beside an ltl formula.
 */
#ifdef CLAIM_WELL_FORMED
/*
 * [] WELL_FORMED, written out: spin's LTL parser rejects this predicate. It
 * is stutter-invariant, so pan's warning about partial-order reduction with
 * a hand-written claim does not apply.
 */
never well_formed {
    do
    :: WELL_FORMED
    :: else -> break        /* the claim ends: a violation */
    od
}
#endif

/*
 * No lost event: a port that is PENDING and not MASKED is eventually handled
 * (its PENDING cleared by the consumer's ack). Checked with weak fairness.
 */
#define PEND_UNMASKED(x) ((word[x] & (PENDING | MASKED)) == PENDING)
#define HANDLED(x)       ((word[x] & PENDING) == 0)
#ifdef CLAIM_NO_LOST_EVENT
ltl no_lost_event {
    [] ((PEND_UNMASKED(1) -> <> HANDLED(1)) &&
        (PEND_UNMASKED(2) -> <> HANDLED(2)) &&
        (PEND_UNMASKED(3) -> <> HANDLED(3)))
}
#endif

/*
 * When everything has stopped (senders and masker done, the upcall idle),
 * every event has been handled, nothing is left linked, masked or busy, and
 * no READY bit or upcall is outstanding.
 */
active proctype quiescent()
{
    timeout ->
        assert(word[1] == 0 && word[2] == 0 && word[3] == 0 &&
               ready == 0 && !upcall_pending && !qlock[0] && !qlock[1])
}

init
{
    atomic {
        run guest_upcall();
        run guest_masker();
        run sender(SENDS_A, PORTS_A);
        run sender(SENDS_B, PORTS_B)
    }
}
