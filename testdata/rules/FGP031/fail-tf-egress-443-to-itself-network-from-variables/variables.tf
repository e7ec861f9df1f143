variable "vpc_id" {
  description = "VPC of the service (from the network stack)"
  type        = string
}

variable "private_subnet_ids" {
  description = "Task subnets (from the network stack)"
  type        = list(string)
}

variable "image" {
  description = "Container image"
  type        = string
  default     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
}
