# The dom0 script `make run` gives: what the toolstack sees of the
# hypervisor, with the boot-built domUs running beside dom0. Run by dom0's
# /init with sh; its status is dom0's verdict.
set -e
echo "== xl info"
xl info
echo "== xl list"
xl list
echo "== xl vcpu-list"
xl vcpu-list
echo "== xl uptime"
xl uptime
echo "== xenstore-ls /local/domain/0"
xenstore-ls /local/domain/0
# The boot-built domUs power themselves off; wait (at most 5 minutes) until
# only Domain-0 is left, so that their output ends before dom0's.
i=0
while [ "$(xl list | wc -l)" -gt 2 ] && [ $i -lt 300 ]; do sleep 1; i=$((i + 1)); done
echo "== xl list, once the domUs are gone"
xl list
echo "== xl dmesg | tail -n 20"
xl dmesg | tail -n 20
