//! Invoices, payments, credit notes, overdue reminders and aging.

pub mod invoices;
