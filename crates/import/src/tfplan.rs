//! Terraform plans and states (`terraform show -json`).
