# The dom0 script `make run` gives: what the toolstack sees of the
# hypervisor. Run by dom0's /init with sh; its status is dom0's verdict.
set -e
echo "== xl info"
xl info
echo "== xl list"
xl list
echo "== xl vcpu-list"
xl vcpu-list
echo "== xl dmesg | tail -n 20"
xl dmesg | tail -n 20
