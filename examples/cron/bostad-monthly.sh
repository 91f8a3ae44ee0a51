#!/usr/bin/env bash
# The letters from cron: one run at a time, a log with timestamps, and an exit status an
# administrator can act on. With BOSTAD_RUN=daily (as in examples/cron/crontab) it runs
# `bostad letter daily` every working day: the letters due that day, with that day's own
# print file and manifest. Without it, `bostad letter monthly`: the month's batch, for
# scripts written for it.
#
#   0   all letters made, or nothing to do                           (prints nothing)
#   3   some letters failed, the rest were made and are kept         (prints a warning)
#   75  another run still holds the lock; nothing was done           (prints a note)
#   1   no letters were made: a broken template, a letterhead        (prints the error)
#       without phone numbers, a missing database, ...
#   *   anything else (bostad's own exit status, 127 when there is   (prints the error)
#       no bostad on PATH)
#
# cron mails whatever a job prints, so a mail means there is something to do. Every run
# is also written to the log, each line with a timestamp. Rerunning is always safe:
# neither run makes a letter twice, and each finishes a run that died.
#
# Settings, from the environment (set them at the top of the crontab):
#   BOSTAD_DB, BOSTAD_CONFIG  the database and the config file, as for bostad itself
#   BOSTAD_LETTERS_DIR        where the month folders go (default ~/bostad-brev);
#                             the letters of November 2026 go to $BOSTAD_LETTERS_DIR/2026-11
#   BOSTAD_LOG                the log file (default ~/.local/state/bostadcli/monthly.log)
#   BOSTAD_LOCK               the lock file (default: monthly.lock next to the log)
#   BOSTAD_RUN                daily, or monthly (the default)
#   BOSTAD_FORMAT             pdf (default), html or txt
#   BOSTAD_AS_OF              run as on this day, YYYY-MM-DD (default today): for tests
#                             that replay a fixed day. bostad records letters only on
#                             the real date; a day that was missed needs no redo: the
#                             next run makes every letter still due
#   BOSTAD                    the bostad program (default: bostad on PATH)
set -euo pipefail

bostad=${BOSTAD:-bostad}
state_dir=${XDG_STATE_HOME:-$HOME/.local/state}/bostadcli
log=${BOSTAD_LOG:-$state_dir/monthly.log}
lock=${BOSTAD_LOCK:-$(dirname -- "$log")/monthly.lock}
letters_dir=${BOSTAD_LETTERS_DIR:-$HOME/bostad-brev}
format=${BOSTAD_FORMAT:-pdf}
as_of=${BOSTAD_AS_OF:-}
run=${BOSTAD_RUN:-monthly}

# Letters and logs hold personal data: everything this script creates is owner-only.
umask 077
mkdir -p -- "$(dirname -- "$log")" "$(dirname -- "$lock")"

log() {
    local level=$1
    shift
    printf '%s %s %s\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$level" "$*" >>"$log"
}

if [[ -n $as_of && ! $as_of =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]; then
    log ERROR "BOSTAD_AS_OF is not a date (YYYY-MM-DD): '$as_of'"
    echo "bostad-monthly: BOSTAD_AS_OF is not a date (YYYY-MM-DD): '$as_of'" >&2
    exit 2
fi
if [[ $run != daily && $run != monthly ]]; then
    log ERROR "BOSTAD_RUN must be daily or monthly: '$run'"
    echo "bostad-monthly: BOSTAD_RUN must be daily or monthly: '$run'" >&2
    exit 2
fi
month=${as_of:0:7}
month=${month:-$(date +%Y-%m)}
out_dir=$letters_dir/$month

# flock(1) holds the lock for as long as file descriptor 9 is open: until this script
# ends, however it ends. A second run does not wait: the first one is doing the work.
exec 9>>"$lock"
if ! flock --nonblock 9; then
    log WARNING "another run holds $lock; nothing done"
    echo "bostad-monthly: another run is still going (lock $lock held); nothing done" >&2
    exit 75
fi

args=(letter "$run" --format "$format" --out-dir "$out_dir")
if [[ -n $as_of ]]; then
    args+=(--as-of "$as_of")
fi

output=$(mktemp)
trap 'rm -f -- "$output"' EXIT

log INFO "start: $bostad ${args[*]}"
status=0
"$bostad" "${args[@]}" >"$output" 2>&1 || status=$?
while IFS= read -r line; do
    log INFO "  $line"
done <"$output"

case $status in
    0)
        log INFO "done: exit 0, letters in $out_dir"
        ;;
    3)
        log WARNING "exit 3: some letters failed; the others are made and kept in $out_dir"
        {
            echo "bostad-monthly: some letters for $month could not be made (exit 3)."
            echo "The others are made, in $out_dir. Fix the cases below and run again;"
            echo "letters already made are not made twice."
            echo
            cat -- "$output"
        } >&2
        ;;
    1)
        log ERROR "exit 1: no letters were made"
        {
            echo "bostad-monthly: no letters for $month were made (exit 1); the reason is below."
            echo "Log: $log"
            echo
            cat -- "$output"
        } >&2
        ;;
    *)
        # 2: a wrong command line (a bostad too old for these options?); 127: no bostad
        # on PATH; 130 or more: stopped by a signal. Letters finished before a stop are
        # recorded and kept; the next run makes the rest.
        log ERROR "exit $status: the run failed"
        {
            echo "bostad-monthly: the run for $month failed (exit $status)."
            echo "Log: $log"
            echo
            cat -- "$output"
        } >&2
        ;;
esac
exit "$status"
