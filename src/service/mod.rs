//! The service desk: tickets, queues, business calendars and SLA
//! policies, returns, the knowledge base and the public support form.

pub mod knowledge;
pub mod returns;
pub mod service_desk;
pub mod sla;
pub mod support_form;
pub mod ticket_page;
pub mod tickets;
