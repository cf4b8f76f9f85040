// SPDX-License-Identifier: GPL-2.0
/*
 * appliance_oops: loading it oopses. Its init reads through a NULL pointer,
 * so the kernel prints "BUG: kernel NULL pointer dereference" and an oops
 * (not a panic by itself); with kernel.panic_on_oops=1 the oops becomes
 * "Kernel panic - not syncing: Fatal exception". Debian's 6.1 kernel ships
 * no lkdtm, so the QEMU board's kexec scenarios load this instead.
 * The pointer is volatile so the compiler keeps the load.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init appliance_oops_init(void)
{
	int *volatile p = NULL;

	pr_emerg("appliance_oops: dereferencing NULL\n");
	return *p;
}

module_init(appliance_oops_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Oopses on load (NULL pointer dereference) for the QEMU appliance board");
