variable "aws_region" {
  type        = string
  description = "Region to deploy to"
}

variable "aws_account_id" {
  type        = string
  description = "Account that holds the ECR repositories"
}

variable "environment" {
  type    = string
  default = "dev"
}
