//! Customers and their contacts, leads, opportunities and the pipeline,
//! activities, campaigns, duplicate checks and the customer's timeline.

pub mod activities;
pub mod campaigns;
pub mod customers;
pub mod duplicates;
pub mod leads;
pub mod opportunities;
pub mod pipeline;
pub mod timeline;
